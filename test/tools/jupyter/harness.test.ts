/**
 * The Jupyter harness must catch a broken notebook: a test of the notebooks is only worth something
 * if it fails when a cell fails, including the cells tslab silently aborts after a failure.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readNotebook } from "../../../src/tools/notebook/nbformat";
import { outputsToText } from "../../../src/tools/notebook/outputs";
import { projectRoot } from "../../../src/tools/project-paths";
import { committedMaskedByCell, maskOptionsFor, maskedByCell } from "./compare";
import {
  describeFailures,
  executeNotebook,
  jupyterIsInstalled,
  temporaryKernel,
  testsWithoutJupyter,
  type CellExecution,
  type DriverReport,
} from "./jupyter-driver";

const FIXTURES = join(__dirname, "fixtures");
const hasJupyter = jupyterIsInstalled();

function execution(report: DriverReport, id: string): CellExecution {
  const found = report.executions.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`No execution of cell "${id}" in the report of ${report.notebook}`);
  return found;
}

describe.runIf(hasJupyter)("the Jupyter harness on deliberately broken notebooks", () => {
  let kernel: Awaited<ReturnType<typeof temporaryKernel>>;
  const run = (fixture: string, abortWindowSeconds?: number) =>
    executeNotebook(
      kernel,
      join(FIXTURES, fixture),
      "run-all",
      abortWindowSeconds === undefined ? {} : { abortWindowSeconds },
    );
  // One Run All of this fixture serves both tests that read it (each kernel start costs over a second).
  let raisesException: Promise<DriverReport> | undefined;
  const runRaisesException = () => (raisesException ??= run("raises-exception.ipynb"));

  beforeAll(async () => {
    kernel = await temporaryKernel();
  });
  afterAll(async () => {
    await kernel?.dispose();
  });

  it("fails a notebook whose cell throws, and names that cell", async () => {
    const report = await run("throws.ipynb");
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([{ index: 2, id: "broken", round: 1, status: "error" }]);
    expect(outputsToText(execution(report, "broken").outputs)).toContain("deliberately broken cell");
    expect(describeFailures(report)).toContain('cell "broken"');
    expect(execution(report, "setup").status).toBe("ok");
  });

  it("fails the good cell tslab aborted right after a failure, and names it", async () => {
    const report = await run("abort-trap.ipynb");
    expect(report.ok).toBe(false);
    expect(report.failures.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: "fails", status: "error" },
      { id: "good-after-failure", status: "abort" },
    ]);
    expect(execution(report, "good-after-failure").outputs).toEqual([]);
    expect(describeFailures(report)).toMatch(/cell "good-after-failure".*aborted/);
  });

  it("passes an error in a raises-exception cell, runs the next cell and never sends skip-execution", async () => {
    const report = await runRaisesException();
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(execution(report, "expected-error").status).toBe("error");
    expect(outputsToText(execution(report, "after-expected-error").outputs)).toBe("ran after the expected error\n");
    expect(execution(report, "not-sent").status).toBe("skipped");
  });

  it("still fails an abort after an allowed error: without waiting out the window the next cell never runs", async () => {
    const report = await run("raises-exception.ipynb", 0);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([{ index: 3, id: "after-expected-error", round: 1, status: "abort" }]);
  });

  it("agrees with the outputs the project's runner writes, which is how committed outputs are refreshed", async () => {
    const fixture = join(FIXTURES, "raises-exception.ipynb");
    const written = join(kernel.jupyterPath, "refreshed.ipynb");
    const runnerCli = join(projectRoot(), "dist", "tools", "notebook", "notebook-cli.js");
    await promisify(execFile)(process.execPath, [runnerCli, "run", fixture, "--output", written, "--quiet"]);
    const refreshed = await readNotebook(written);
    const options = maskOptionsFor(refreshed);
    const report = await runRaisesException();
    expect(committedMaskedByCell(refreshed, options)).toEqual(maskedByCell(report.executions, 1, options));
  });

  it("reports a notebook that is not valid nbformat 4.5", async () => {
    const report = await executeNotebook(kernel, join(FIXTURES, "invalid-ids.ipynb"), "validate");
    expect(report.ok).toBe(false);
    expect(report.validationProblems.join("\n")).toMatch(/repeats the id 'twice'/);
    expect(report.validationProblems.join("\n")).toMatch(/nbformat is 4\.4/);
  });
});

describe.runIf(!hasJupyter)("the Jupyter harness without Jupyter", () => testsWithoutJupyter("is skipped"));
