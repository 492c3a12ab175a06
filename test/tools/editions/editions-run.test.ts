/**
 * The editions CLI end to end, and the editions executed in real Jupyter (the project's tslab):
 * the instructor edition runs through, the student edition runs up to its first exercise and
 * stops there with one line naming the exercise.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exerciseNotDone } from "../../../src/tools/editions/editions";
import { outputsToText } from "../../../src/tools/notebook/outputs";
import { labNotebooks, projectRoot } from "../../../src/tools/project-paths";
import { describeFailures, executeNotebook, jupyterIsInstalled, temporaryKernel } from "../jupyter/jupyter-driver";

const execFileAsync = promisify(execFile);
const CLI = join(projectRoot(), "dist", "tools", "editions", "editions-cli.js");
const FIXTURES = join(__dirname, "fixtures");
const hasJupyter = jupyterIsInstalled();

/** Notebooks whose editions are worth running: the fixture, and every lab notebook with an exercise. */
const notebooksWithExercises = [
  join(FIXTURES, "exercises.ipynb"),
  ...labNotebooks().filter((path) => readFileSync(path, "utf8").includes("BEGIN SOLUTION")),
];

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [CLI, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (failure: { code: number; stdout: string; stderr: string }) => failure,
  );
}

let outDir: string;
beforeAll(async () => {
  // Inside the project, so the editions resolve node_modules (and ../dist) as the notebooks do.
  await mkdir(join(projectRoot(), "out"), { recursive: true });
  outDir = await mkdtemp(join(projectRoot(), "out", "editions-test-"));
});
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("the editions CLI", () => {
  it("writes a student and an instructor edition of each notebook into --out", async () => {
    const result = await runCli(["--out", outDir, ...notebooksWithExercises]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const path of notebooksWithExercises) {
      for (const edition of ["student", "instructor"])
        expect(existsSync(join(outDir, edition, basename(path)))).toBe(true);
    }
  });

  it("stops on an unterminated solution region, naming the notebook and the cell, and writes nothing", async () => {
    const unterminatedOut = join(outDir, "unterminated");
    const result = await runCli([
      "--out",
      unterminatedOut,
      join(FIXTURES, "exercises.ipynb"),
      join(FIXTURES, "unterminated.ipynb"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('test/tools/editions/fixtures/unterminated.ipynb, cell "unclosed"');
    expect(result.stderr).toContain('has no matching "// END SOLUTION"');
    expect(existsSync(unterminatedOut)).toBe(false);
  });
});

describe.runIf(hasJupyter).each(notebooksWithExercises.map((path) => [basename(path)]))(
  "editions of %s in real Jupyter",
  (name) => {
    let kernel: Awaited<ReturnType<typeof temporaryKernel>>;
    beforeAll(async () => {
      kernel = await temporaryKernel();
      if (!existsSync(join(outDir, "student", name))) await runCli(["--out", outDir, ...notebooksWithExercises]);
    });
    afterAll(async () => {
      await kernel?.dispose();
    });

    it("instructor edition: valid nbformat 4.5, and every cell runs", async () => {
      const report = await executeNotebook(kernel, join(outDir, "instructor", name), "run-all");
      expect(report.validationProblems).toEqual([]);
      expect(describeFailures(report)).toBe("");
    }, 240_000);

    it("student edition: valid nbformat 4.5, runs up to its first exercise and stops there", async () => {
      const report = await executeNotebook(kernel, join(outDir, "student", name), "run-all");
      expect(report.validationProblems).toEqual([]);
      const firstFailure = report.executions.findIndex((execution) => !execution.passed);
      expect(firstFailure, "the student edition has an exercise that fails").toBeGreaterThan(0);
      const beforeExercise = report.executions.slice(0, firstFailure);
      expect(beforeExercise.every((execution) => execution.status === "ok" || execution.status === "skipped")).toBe(
        true,
      );
      const exercise = report.executions[firstFailure];
      expect(exercise?.status).toBe("error");
      const printed = outputsToText(exercise?.outputs ?? []);
      expect(printed).toContain(exerciseNotDone("Exercise 1"));
      // The lab notebooks import the workbook, which makes a failing cell print one line.
      if (name !== "exercises.ipynb") expect(printed).toBe(`Error: ${exerciseNotDone("Exercise 1")}\n`);
    }, 240_000);
  },
);
