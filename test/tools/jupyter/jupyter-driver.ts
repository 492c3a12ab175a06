/**
 * Runs `execute_notebook.py` (real Jupyter: nbclient + jupyter_client) from the tests and types its
 * JSON report. The kernelspec is the project's own (`installProjectKernel`), written into a
 * temporary folder per test file so parallel test files never rewrite each other's kernel.json.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { it } from "vitest";
import { installProjectKernel, jupyterEnv, type ProjectKernel } from "../../../src/tools/notebook/jupyter-launcher";
import { KERNEL_NAME } from "../../../src/tools/kernelspec";
import { normaliseOutput, type Output } from "../../../src/tools/notebook/nbformat";
import { projectRoot } from "../../../src/tools/project-paths";

const execFileAsync = promisify(execFile);

/** Debian's Python, which has nbclient; `python3` on PATH may be another Python without it. */
export const JUPYTER_PYTHON = process.env.WORKBOOK_JUPYTER_PYTHON ?? "/usr/bin/python3";
export const DRIVER = join(projectRoot(), "test", "tools", "jupyter", "execute_notebook.py");
export const MISSING_JUPYTER_MESSAGE =
  `Jupyter is missing: install with apt-get install -y jupyter-notebook python3-nbconvert python3-nbclient jupyter-client ` +
  `(the notebook tests run ${JUPYTER_PYTHON} with nbclient, nbformat and jupyter_client)`;

export type DriverMode = "validate" | "run-all" | "run-all-twice" | "rerun-each";
export type ExecutionStatus = "ok" | "error" | "abort" | "timeout" | "skipped" | "empty" | "no-reply";

export interface CellExecution {
  index: number;
  id: string;
  tags: string[];
  /** 1 for the first execution of the cell in this run, 2 for the second. */
  round: number;
  status: ExecutionStatus;
  passed: boolean;
  outputs: Output[];
  executionCount: number | null;
  reason?: string;
}

export interface DriverReport {
  notebook: string;
  mode: DriverMode;
  validationProblems: string[];
  executions: CellExecution[];
  failures: Array<Pick<CellExecution, "index" | "id" | "round" | "status">>;
  kernelStartSeconds?: number;
  kernelError?: string;
  ok: boolean;
}

export interface DriverOptions {
  /** Seconds to wait after an expected error; 0 lets tslab's abort window hit the next cell. */
  abortWindowSeconds?: number;
}

/** True when the Python that runs the driver can import Jupyter's client libraries. */
export function jupyterIsInstalled(): boolean {
  const probe = spawnSync(JUPYTER_PYTHON, ["-c", "import nbclient, nbformat, jupyter_client"], { stdio: "ignore" });
  return probe.status === 0;
}

/**
 * What stands in for the Jupyter tests when Jupyter is missing. CI installs Jupyter (.ci/run), so
 * there a missing Jupyter is a broken setup and a failure, not a reason to skip. Elsewhere the tests
 * are skipped, and the skipped test's name (`skipped`, e.g. "are skipped") says how to get Jupyter.
 */
export function testsWithoutJupyter(skipped: string): void {
  it.runIf(Boolean(process.env.CI))("needs Jupyter on CI", () => {
    throw new Error(MISSING_JUPYTER_MESSAGE);
  });
  if (!process.env.CI) it.skip(`${skipped}. ${MISSING_JUPYTER_MESSAGE}`, () => undefined);
}

/** A project kernelspec in a fresh temporary folder; `dispose` removes it. */
export async function temporaryKernel(): Promise<ProjectKernel & { dispose: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "workbook-jupyter-"));
  const kernel = await installProjectKernel(root);
  return { ...kernel, dispose: () => rm(root, { recursive: true, force: true }) };
}

export async function executeNotebook(
  kernel: ProjectKernel,
  notebookPath: string,
  mode: DriverMode,
  options: DriverOptions = {},
): Promise<DriverReport> {
  const args = [DRIVER, mode, notebookPath, "--kernel-name", KERNEL_NAME];
  if (options.abortWindowSeconds !== undefined) args.push("--abort-window", String(options.abortWindowSeconds));
  const env = { ...jupyterEnv(kernel), JUPYTER_RUNTIME_DIR: join(kernel.jupyterPath, "runtime") };
  // The driver exits 1 when a cell failed; its report on stdout says which, so read it either way.
  const { stdout, stderr } = await execFileAsync(JUPYTER_PYTHON, args, { env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (failure: { stdout?: string; stderr?: string; code?: number }) => {
      if (failure.code === 1 && failure.stdout) return { stdout: failure.stdout, stderr: failure.stderr ?? "" };
      throw new Error(
        `${JUPYTER_PYTHON} ${relative(projectRoot(), DRIVER)} failed (exit ${failure.code}): ${failure.stderr ?? ""}`,
      );
    },
  );
  return parseReport(stdout, stderr);
}

function parseReport(stdout: string, stderr: string): DriverReport {
  let raw: DriverReport;
  try {
    raw = JSON.parse(stdout) as DriverReport;
  } catch {
    throw new Error(`The Jupyter driver printed no report. Its stderr:\n${stderr}`);
  }
  return {
    ...raw,
    executions: raw.executions.map((execution) => ({ ...execution, outputs: execution.outputs.map(normaliseOutput) })),
  };
}

const MAX_FAILURES_SHOWN = 6;

/** One line per failing execution, naming the cell, for assertion messages. */
export function describeFailures(report: DriverReport): string {
  const lines = report.executions
    .filter((execution) => !execution.passed)
    .map((execution) => {
      const why =
        execution.status === "abort"
          ? "aborted by tslab without running (a cell failed < 200 ms before)"
          : execution.status;
      const text = execution.outputs
        .map((output) => (output.output_type === "stream" ? output.text : ""))
        .join("")
        .trim();
      return `cell "${execution.id}" (#${execution.index}, execution ${execution.round}): ${why}${text ? `\n    ${text.split("\n").slice(0, 6).join("\n    ")}` : ""}`;
    });
  // After one failure tslab aborts what follows; the first few lines say what went wrong.
  const shown = lines.slice(0, MAX_FAILURES_SHOWN);
  if (lines.length > shown.length) shown.push(`... and ${lines.length - shown.length} more failing executions`);
  if (report.kernelError) shown.push(report.kernelError);
  return shown.join("\n");
}
