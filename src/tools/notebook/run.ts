/**
 * Executing a notebook's code cells in order in a tslab kernel, one at a time, and reporting each.
 *
 * The trap this guards against (tslab issue #19): after a cell fails, tslab answers every execute
 * request that arrives in the next ~200 ms with `abort`, without running it. A runner that only
 * looks at outputs sees those cells as quiet successes. Here every reply's status is checked:
 * `error` and `abort` fail the cell unless it is tagged `raises-exception`; after an error the
 * runner waits out the window before sending the next cell, and a cell that still comes back
 * `abort` right after an expected error is retried once, visibly (`retriedAfterAbort`).
 */
import { dirname, resolve } from "node:path";
import { KernelError, TslabKernel, type ExecuteResult } from "./kernel";
import {
  TAG_RAISES_EXCEPTION,
  TAG_SKIP_EXECUTION,
  cellTags,
  readNotebook,
  type CodeCell,
  type Notebook,
  type Output,
} from "./nbformat";
import { outputsToText } from "./outputs";

export type CellStatus =
  /** Ran and replied ok. */
  | "ok"
  /** Raised, and is tagged `raises-exception`: a pass. */
  | "expected-error"
  /** Raised without the tag, or the kernel failed while running it. */
  | "error"
  /** tslab refused to run it (its abort window after a failure). */
  | "abort"
  /** Overran the cell timeout and was interrupted. */
  | "timeout"
  /** Tagged `skip-execution`. */
  | "skipped"
  /** Never sent: an earlier cell failed and the run stopped. */
  | "not-run";

const PASSING: ReadonlySet<CellStatus> = new Set<CellStatus>(["ok", "expected-error", "skipped"]);

export interface CellReport {
  /** Position in the notebook's `cells` (0-based, markdown cells included). */
  index: number;
  id: string;
  source: string;
  tags: string[];
  status: CellStatus;
  passed: boolean;
  outputs: Output[];
  executionCount: number | null;
  durationMs: number;
  /** Came back `abort` right after an expected error and was sent once more. */
  retriedAfterAbort: boolean;
  /** Why the runner could not get a result (kernel died or got stuck), beyond the cell's own output. */
  runnerError?: string;
}

export interface RunReport {
  notebookPath: string;
  /** The notebook as read, before execution. */
  notebook: Notebook;
  /** One entry per code cell, in notebook order. */
  cells: CellReport[];
  /** Every code cell passed (ran ok, raised where tagged to, or was skipped). */
  ok: boolean;
  /** Cells that ran and failed (error, abort, timeout); cells never reached are `not-run` in `cells`. */
  failures: CellReport[];
  durationMs: number;
  /** Set when this run started its own kernel. */
  kernelStartupMs?: number;
}

export type CellProgress =
  | { phase: "started"; cell: CodeCell; index: number; position: number; total: number }
  | { phase: "finished"; report: CellReport; position: number; total: number };

export interface RunOptions {
  /** Run in this kernel (kept running afterwards) instead of starting and stopping one. */
  kernel?: TslabKernel;
  /** Called before and after each code cell; `position` counts code cells from 1. */
  onCell?: (progress: CellProgress) => void;
  /** Stop at the first failing cell; later cells are reported `not-run`. Default true. */
  stopOnError?: boolean;
  cellTimeoutMs?: number;
  /** Environment for a kernel this run starts. */
  env?: NodeJS.ProcessEnv;
}

/** tslab resets its queue 200 ms after an error; wait a little longer. */
export const ABORT_WINDOW_MS = 250;
const DEFAULT_CELL_TIMEOUT_MS = 120_000;

export async function runNotebook(path: string, options: RunOptions = {}): Promise<RunReport> {
  const notebookPath = resolve(path);
  const notebook = await readNotebook(notebookPath);
  const startedAt = performance.now();
  const kernel = options.kernel ?? (await TslabKernel.start({ cwd: dirname(notebookPath), env: options.env }));
  try {
    const cells = await runCells(kernel, notebook, options);
    const failures = cells.filter((cell) => !cell.passed && cell.status !== "not-run");
    const everyCellPassed = cells.every((cell) => cell.passed);
    return {
      notebookPath,
      notebook,
      cells,
      ok: everyCellPassed,
      failures,
      durationMs: performance.now() - startedAt,
      ...(options.kernel ? {} : { kernelStartupMs: kernel.startupMs }),
    };
  } finally {
    if (!options.kernel) await kernel.shutdown();
  }
}

async function runCells(kernel: TslabKernel, notebook: Notebook, options: RunOptions): Promise<CellReport[]> {
  const codeCells = notebook.cells.flatMap((cell, index) => (cell.cell_type === "code" ? [{ cell, index }] : []));
  const reports: CellReport[] = [];
  let stopped = false;
  for (const [offset, { cell, index }] of codeCells.entries()) {
    const progress = { position: offset + 1, total: codeCells.length };
    options.onCell?.({ phase: "started", cell, index, ...progress });
    const report = stopped ? notRun(cell, index) : await runCell(kernel, cell, index, reports.at(-1), options);
    reports.push(report);
    options.onCell?.({ phase: "finished", report, ...progress });
    const kernelUnusable = report.runnerError !== undefined;
    if (!report.passed && (kernelUnusable || options.stopOnError !== false)) stopped = true;
  }
  return reports;
}

async function runCell(
  kernel: TslabKernel,
  cell: CodeCell,
  index: number,
  previous: CellReport | undefined,
  options: RunOptions,
): Promise<CellReport> {
  const base = baseReport(cell, index);
  if (base.tags.includes(TAG_SKIP_EXECUTION)) return { ...base, status: "skipped", passed: true };
  const timeoutMs = options.cellTimeoutMs ?? DEFAULT_CELL_TIMEOUT_MS;
  try {
    await waitOutAbortWindow(kernel);
    let result = await kernel.execute(cell.source, { timeoutMs });
    const retry = shouldRetryAbort(result, previous);
    if (retry) {
      await sleep(ABORT_WINDOW_MS);
      const second = await kernel.execute(cell.source, { timeoutMs });
      result = { ...second, durationMs: result.durationMs + ABORT_WINDOW_MS + second.durationMs };
    }
    return fromResult(base, result, retry);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    return { ...base, status: "error", passed: false, runnerError: error.message };
  }
}

/** Only an abort with no output, straight after an expected error, is tslab's window and not the cell. */
function shouldRetryAbort(result: ExecuteResult, previous: CellReport | undefined): boolean {
  return result.status === "abort" && result.outputs.length === 0 && previous?.status === "expected-error";
}

/** Any error reply (an expected one, or one before this run in a reused kernel) opens tslab's abort window. */
async function waitOutAbortWindow(kernel: TslabKernel): Promise<void> {
  if (kernel.lastErrorReplyAt === undefined) return;
  const remaining = kernel.lastErrorReplyAt + ABORT_WINDOW_MS - performance.now();
  if (remaining > 0) await sleep(remaining);
}

function fromResult(base: CellReport, result: ExecuteResult, retriedAfterAbort: boolean): CellReport {
  const status = cellStatus(result, base.tags);
  return {
    ...base,
    status,
    passed: PASSING.has(status),
    outputs: result.outputs,
    executionCount: result.executionCount,
    durationMs: result.durationMs,
    retriedAfterAbort,
  };
}

function cellStatus(result: ExecuteResult, tags: readonly string[]): CellStatus {
  if (result.timedOut) return "timeout";
  if (result.status === "abort") return "abort";
  if (result.status === "error") return tags.includes(TAG_RAISES_EXCEPTION) ? "expected-error" : "error";
  return "ok";
}

function baseReport(cell: CodeCell, index: number): CellReport {
  return {
    index,
    id: cell.id,
    source: cell.source,
    tags: cellTags(cell),
    status: "not-run",
    passed: false,
    outputs: [],
    executionCount: null,
    durationMs: 0,
    retriedAfterAbort: false,
  };
}

function notRun(cell: CodeCell, index: number): CellReport {
  return baseReport(cell, index);
}

/**
 * The notebook with this run's outputs and execution counts, ready to write. Skipped cells keep
 * what they had; cells that never ran are cleared so no stale output passes for a fresh one.
 */
export function executedNotebook(report: RunReport): Notebook {
  const byIndex = new Map(report.cells.map((cell) => [cell.index, cell]));
  return {
    ...report.notebook,
    cells: report.notebook.cells.map((cell, index) => {
      const cellReport = byIndex.get(index);
      if (cell.cell_type !== "code" || !cellReport || cellReport.status === "skipped") return cell;
      return { ...cell, outputs: cellReport.outputs, execution_count: cellReport.executionCount };
    }),
  };
}

/** One paragraph that says why a cell failed: its error text, or what the runner saw instead. */
export function failureSummary(cell: CellReport, cellTimeoutMs = DEFAULT_CELL_TIMEOUT_MS): string {
  switch (cell.status) {
    case "abort":
      return "tslab aborted this cell without running it: a cell failed less than ~200 ms before (tslab issue #19).";
    case "timeout":
      return `The cell ran longer than ${cellTimeoutMs} ms and was interrupted.\n${outputsToText(cell.outputs)}`.trim();
    case "not-run":
      return "Not run: an earlier cell failed.";
    default:
      return (
        cell.runnerError ??
        (trimKernelFrames(outputsToText(cell.outputs)).trim() || "The cell failed without output.")
      ).trim();
  }
}

/** The text of one code cell's outputs in a report, by notebook index or cell id. */
export function cellText(report: RunReport, cell: number | string): string {
  const found = report.cells.find((candidate) =>
    typeof cell === "number" ? candidate.index === cell : candidate.id === cell,
  );
  if (!found) throw new Error(`No code cell ${JSON.stringify(cell)} in ${report.notebookPath}`);
  return outputsToText(found.outputs);
}

/**
 * Drops the stack frames of tslab's own machinery (node:vm, tslab's executor) from error text: they
 * follow every cell's error and say nothing about the notebook.
 */
export function trimKernelFrames(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^\s+at .*(node:vm|[\\/]node_modules[\\/]tslab[\\/]|sigintHandlersWrap)/.test(line))
    .join("\n");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
