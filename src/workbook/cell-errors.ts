/**
 * One line per failing cell.
 *
 * tslab prints whatever a cell throws with `console.error(error)`, and Node's `util.inspect` expands
 * an error into its stack, its `cause` and every property the SDK attached (diagnostics, headers):
 * 30 to 100 lines, with the one sentence that matters at the top. tslab holds on to the original
 * `console.error`, so the place to change what is printed is the error's own inspect hook: inside
 * a tslab kernel, importing the workbook gives `Error.prototype` a `util.inspect.custom` method, and
 * an error then prints as one line:
 *
 * - the workbook's own errors (configuration, step order, connection) as their sentence, which
 *   names the cause and the fix;
 * - a Cosmos DB error as its status and the service's own words;
 * - anything else as its name and first line, with a pointer to the full text.
 *
 * `errorDetail(true)` in a cell, or `WORKBOOK_ERROR_DETAIL=1` in the kernel's environment, prints
 * errors in full again. Outside a kernel (scripts, tests) nothing changes.
 */
import { inspect, type InspectOptionsStylized } from "node:util";
import { explainError, WorkbookError } from "./client";
import { ConfigError, loadConfig } from "./config";
import { recoverStatus, serviceMessage } from "./batch-outcomes";
import { kernelDisplayWriter } from "./display";
import { statusText } from "./format";

const PRESENTER_KEY = Symbol.for("cosmos-batch-workbook.cell-errors");

interface PresenterState {
  /** The newest module's formatter: a re-run import cell brings edited code in. */
  present: (error: Error) => string;
  detail: boolean;
}

const DETAIL_HINT = "errorDetail(true) shows the full error";

/** Installs the inspect hook once per kernel; a second call (a reloaded module) only updates the formatter. */
export function installCellErrorPresenter(): void {
  if (kernelDisplayWriter() === undefined) return;
  const holder = globalThis as { [PRESENTER_KEY]?: PresenterState };
  const existing = holder[PRESENTER_KEY];
  if (existing !== undefined) {
    existing.present = oneLineError;
    return;
  }
  const state: PresenterState = { present: oneLineError, detail: false };
  holder[PRESENTER_KEY] = state;
  Object.defineProperty(Error.prototype, inspect.custom, {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function presentError(this: Error, _depth: number, options: InspectOptionsStylized): string {
      if (wantsDetail(state)) return inspect(this, { ...options, customInspect: false });
      return state.present(this);
    },
  });
}

/** Full errors (`true`) or one line each (`false`, the default) for the cells run after this one. */
export function errorDetail(show = true): void {
  const state = (globalThis as { [PRESENTER_KEY]?: PresenterState })[PRESENTER_KEY];
  if (state !== undefined) state.detail = show;
  console.log(show ? "Errors now print in full, with stack and diagnostics." : "Errors now print as one line each.");
}

function wantsDetail(state: PresenterState): boolean {
  return state.detail || process.env.WORKBOOK_ERROR_DETAIL === "1";
}

/** An error as one line: cause and fix where the workbook knows them. */
export function oneLineError(error: Error): string {
  if (error instanceof WorkbookError || error instanceof ConfigError) return error.message;
  const explained = explainWithConfig(error);
  if (explained !== undefined) return explained;
  const status = statusOf(error);
  if (status !== undefined) return `Cosmos DB answered ${statusText(status)}: ${serviceMessage(error.message)}`;
  const first = firstLine(error.message);
  // A plain Error carries its whole point in the message (an exercise not done yet, for one).
  if (error.constructor === Error) return `Error: ${first}`;
  return `${error.name}: ${first} (${DETAIL_HINT})`;
}

/** The workbook's sentence for a known failure (credentials, TLS, unreachable, ...), if any. */
function explainWithConfig(error: Error): string | undefined {
  try {
    const explained = explainError(error, loadConfig());
    return explained instanceof WorkbookError ? explained.message : undefined;
  } catch {
    return undefined; // a broken .env: the error being printed is what matters now
  }
}

/** The HTTP status of a Cosmos DB error: its own `code`, or the one the SDK's wrapper lost. */
function statusOf(error: Error): number | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === "number") return own;
  return recoverStatus(error).statusCode;
}

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((line) => line.trim() !== "") ?? text).trim();
}
