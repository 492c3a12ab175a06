#!/usr/bin/env node
/**
 * `node dist/tools/notebook/notebook-cli.js run <notebook>`: executes a notebook headless in the project's tslab
 * kernel, shows each cell's result and output, and exits non-zero if any cell failed or was aborted.
 * `node dist/tools/notebook/notebook-cli.js jupyter`: opens the notebooks in Jupyter with the project's kernel.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { access } from "node:fs/promises";
import { resolve } from "node:path";
import { NotebookFormatError, writeNotebook } from "./nbformat";
import { KernelError } from "./kernel";
import { outputsToText } from "./outputs";
import {
  executedNotebook,
  failureSummary,
  runNotebook,
  trimKernelFrames,
  type CellProgress,
  type CellReport,
  type RunReport,
} from "./run";
import { EDITIONS, type Edition, LaunchError, type LaunchOptions, launchJupyter } from "./jupyter-launcher";

const USAGE = `Usage:
  cli.js run <notebook.ipynb> [--output FILE | --in-place] [--timeout SEC] [--allow-errors] [--quiet]
      Execute every code cell in order in a tslab kernel (cwd: the notebook's folder).
      --output FILE   write the executed notebook (outputs, execution counts) to FILE
      --in-place      write it back over the notebook
      --timeout SEC   interrupt a cell that runs longer (default 120)
      --allow-errors  keep going after a failing cell (the run still fails)
      --quiet         print failures and the summary only
  cli.js jupyter [--edition student|instructor] [--port N] [--no-browser]
      Register this project's tslab kernel under .jupyter/ and open Jupyter on the project,
      showing notebooks/ (npm run notebook). Ctrl-C stops Jupyter and its kernels.
      --edition E     write the editions first and open out/editions/E/
      --port N        serve on port N (default 8888, or the next free one; 0: any free port)
      --no-browser    do not open a browser tab`;

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const RUN_OPTIONS = {
  output: { type: "string", short: "o" },
  "in-place": { type: "boolean" },
  timeout: { type: "string" },
  "allow-errors": { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
} satisfies ParseArgsConfig["options"];

class UsageError extends Error {}
/** A problem with what the user gave (a missing file): one line, no usage text, no stack. */
class InputError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "run":
      return runCommand(rest);
    case "jupyter":
      return launchJupyter(jupyterOptions(rest));
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : "No command given.");
  }
}

async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: RUN_OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [notebookPath, ...extra] = positionals;
  if (!notebookPath || extra.length > 0) throw new UsageError("Give exactly one notebook to run.");
  if (values.output && values["in-place"]) throw new UsageError("Use --output FILE or --in-place, not both.");
  const cellTimeoutMs = parseTimeoutMs(values.timeout);
  await access(notebookPath).catch(() => {
    throw new InputError(`No such notebook: ${resolve(notebookPath)}`);
  });
  const printer = new ProgressPrinter(values.quiet ?? false);
  printer.header(notebookPath);
  const report = await runNotebook(notebookPath, {
    onCell: (progress) => printer.progress(progress),
    stopOnError: !values["allow-errors"],
    ...(cellTimeoutMs === undefined ? {} : { cellTimeoutMs }),
  });
  const destination = values["in-place"] ? notebookPath : values.output;
  if (destination) {
    await writeNotebook(destination, executedNotebook(report));
    console.log(`Executed notebook written to ${resolve(destination)}`);
  }
  printer.summary(report, cellTimeoutMs);
  return report.ok ? 0 : EXIT_FAILED;
}

const JUPYTER_OPTIONS = {
  edition: { type: "string" },
  port: { type: "string" },
  "no-browser": { type: "boolean" },
} satisfies ParseArgsConfig["options"];

function jupyterOptions(args: string[]): LaunchOptions {
  const { values } = parseArgs({ args, options: JUPYTER_OPTIONS });
  return {
    openBrowser: !values["no-browser"],
    ...(values.edition === undefined ? {} : { edition: parseEdition(values.edition) }),
    ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
  };
}

function parseEdition(text: string): Edition {
  const edition = EDITIONS.find((name) => name === text);
  if (edition === undefined) throw new UsageError(`--edition wants ${EDITIONS.join(" or ")}, got "${text}".`);
  return edition;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port wants a port number from 0 to 65535, got "${text}".`);
  return port;
}

function parseTimeoutMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout wants seconds > 0, got "${text}".`);
  return seconds * 1000;
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
const useColour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);
const red = paint(31);
const green = paint(32);
const yellow = paint(33);
const dim = paint(2);

const STATUS_LABEL: Record<CellReport["status"], (text: string) => string> = {
  ok: green,
  "expected-error": yellow,
  skipped: yellow,
  error: red,
  abort: red,
  timeout: red,
  "not-run": dim,
};

class ProgressPrinter {
  constructor(private readonly quiet: boolean) {}

  header(notebookPath: string): void {
    if (!this.quiet) console.log(`Running ${notebookPath} in tslab (starting the kernel)`);
  }

  progress(progress: CellProgress): void {
    if (this.quiet) return;
    if (progress.phase === "started") {
      process.stdout.write(
        `[${progress.position}/${progress.total}] cell ${progress.index + 1} (id ${progress.cell.id}) … `,
      );
      return;
    }
    const { report } = progress;
    const retried = report.retriedAfterAbort ? dim(" (sent again after tslab's abort window)") : "";
    const duration =
      report.status === "skipped" || report.status === "not-run" ? "" : ` ${Math.round(report.durationMs)} ms`;
    console.log(`${STATUS_LABEL[report.status](statusWord(report))}${duration}${retried}`);
    printOutputs(report);
  }

  summary(report: RunReport, cellTimeoutMs: number | undefined): void {
    const counts = countStatuses(report.cells);
    const seconds = (report.durationMs / 1000).toFixed(1);
    const startup =
      report.kernelStartupMs === undefined ? "" : `, kernel start ${(report.kernelStartupMs / 1000).toFixed(1)} s`;
    for (const failure of report.failures) this.failure(failure, cellTimeoutMs);
    const line = `${report.cells.length} code cells: ${counts} in ${seconds} s${startup}`;
    console.log(report.ok ? green(`\n✔ ${line}`) : red(`\n✘ ${report.failures.length} failed; ${line}`));
  }

  /**
   * A failure in the closing summary. Its output was printed under its progress line already, so
   * then only the cell is named; otherwise (--quiet, or a failure the output does not explain, such
   * as an abort, a timeout or a dead kernel) the reason is printed here, and only here.
   */
  private failure(failure: CellReport, cellTimeoutMs: number | undefined): void {
    const heading = `✘ cell ${failure.index + 1} (id ${failure.id}) ${statusWord(failure)}`;
    const alreadyShown = !this.quiet && failure.status === "error" && failure.runnerError === undefined;
    if (alreadyShown && printableOutputs(failure) !== "") {
      console.error(red(`\n${heading}: its output is above.`));
      return;
    }
    console.error(red(`\n${heading}:`));
    console.error(indent(failureSummary(failure, cellTimeoutMs)));
  }
}

function statusWord(report: CellReport): string {
  return report.status === "abort" ? "aborted" : report.status.replace("-", " ");
}

function countStatuses(cells: readonly CellReport[]): string {
  const counts = new Map<string, number>();
  for (const cell of cells) counts.set(statusWord(cell), (counts.get(statusWord(cell)) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(", ");
}

/** What `printOutputs` shows of a cell, as one text. */
function printableOutputs(report: CellReport): string {
  return report.outputs.map((output) => trimKernelFrames(outputsToText([output])).trim()).join("");
}

/** The cell's output under its progress line: stdout plain, stderr red, rich displays as their text. */
function printOutputs(report: CellReport): void {
  for (const output of report.outputs) {
    const text = trimKernelFrames(outputsToText([output])).replace(/\n$/, "");
    if (text === "") continue;
    const isStderr = output.output_type === "error" || (output.output_type === "stream" && output.name === "stderr");
    console.log(isStderr ? red(indent(text)) : indent(text));
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

/** Errors with a known cause get one message; anything else keeps its stack for a bug report. */
function describeError(error: unknown): string {
  if (
    error instanceof KernelError ||
    error instanceof NotebookFormatError ||
    error instanceof InputError ||
    error instanceof LaunchError
  )
    return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    console.error(red(describeError(error)));
    process.exitCode = EXIT_FAILED;
  },
);
