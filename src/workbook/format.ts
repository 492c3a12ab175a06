/**
 * Batch outcomes and item lists as tables: text for a terminal (cli-table3, optional ANSI colour)
 * and HTML for a notebook (built with html.ts: inline styles only, every value escaped).
 *
 * Both say the same thing: one row per operation with its item, status code *and* name, and RU,
 * under a summary line that states what happened to the batch as a whole. The pieces other
 * renderings share are here too: status names and tones, charges, the one-line summaries (the
 * verdict, and the operations' charges against the batch's), and the text table.
 */
import { STATUS_CODES } from "node:http";
import { styleText } from "node:util";
import Table from "cli-table3";
import type { JSONObject, JSONValue } from "@azure/cosmos";
import { isSuccess, type BatchOutcome, type OperationOutcome, type OperationSummary } from "./batch-outcomes";
import { htmlNote, htmlParagraph, htmlTable, type Tone } from "./html";

export interface TextOptions {
  /** Add ANSI colours (green success, red failure, yellow 424). Default: false. */
  color?: boolean;
}

/** Cosmos DB's names where they differ from HTTP's, then HTTP's own. */
const COSMOS_STATUS_NAMES: Record<number, string> = {
  207: "Multi-Status",
  413: "Request Entity Too Large",
  424: "Failed Dependency",
  429: "Too Many Requests",
  449: "Retry With",
};

/** "201 Created", "424 Failed Dependency", ... */
export function statusText(statusCode: number): string {
  const name = COSMOS_STATUS_NAMES[statusCode] ?? STATUS_CODES[statusCode];
  return name === undefined ? String(statusCode) : `${statusCode} ${name}`;
}

/** The tones a status can have: 2xx success, 424 a failed dependency, any other a failure, none not run. */
export type StatusTone = Exclude<Tone, "plain">;

export function toneOfStatus(statusCode: number | undefined): StatusTone {
  if (statusCode === undefined) return "not-run";
  if (isSuccess(statusCode)) return "success";
  return statusCode === 424 ? "dependency" : "failed";
}

/** An operation's status as a table shows it: "201 Created" or "not run", with its tone. */
export function statusCell(statusCode: number | undefined): { text: string; tone: StatusTone } {
  return { text: statusCode === undefined ? "not run" : statusText(statusCode), tone: toneOfStatus(statusCode) };
}

/** "Create 012C", "Delete 012A": an operation as a sentence names it. */
export function operationLabel(operation: OperationSummary): string {
  return `${operation.operationType}${operation.id === undefined ? "" : ` ${operation.id}`}`;
}

/** Charges to two decimals, the precision the service reports them with. */
export function roundCharge(charge: number): number {
  return Math.round(charge * 100) / 100;
}

export function formatCharge(requestCharge: number): string {
  return requestCharge.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// What each row and the summary say (shared by text and HTML)

interface OutcomeRow {
  index: string;
  operation: string;
  id: string;
  name: string;
  status: string;
  requestCharge: string;
  tone: StatusTone;
}

const OUTCOME_HEADINGS = ["#", "Operation", "Item id", "Name", "Status", "RU"] as const;

function outcomeRows(outcome: BatchOutcome): OutcomeRow[] {
  if (outcome.kind === "rejected") return outcome.operations.map(notRunRow);
  return outcome.operations.map((operation) => ranRow(operation));
}

function ranRow(operation: OperationOutcome): OutcomeRow {
  const { text, tone } = statusCell(operation.statusCode);
  return { ...describeOperation(operation), status: text, requestCharge: formatCharge(operation.requestCharge), tone };
}

function notRunRow(operation: OperationSummary): OutcomeRow {
  const { text, tone } = statusCell(undefined);
  return { ...describeOperation(operation), status: text, requestCharge: "", tone };
}

function describeOperation(operation: OperationSummary & { resourceBody?: JSONObject }) {
  return {
    index: String(operation.index),
    operation: operation.operationType,
    id: operation.id ?? "",
    name: itemName(operation),
  };
}

/** From the returned item when there is one, else from the item that was sent (e.g. a failed create). */
function itemName(operation: OperationSummary & { resourceBody?: JSONObject }): string {
  const sent = "resourceBody" in operation.input ? (operation.input.resourceBody as unknown) : undefined;
  const candidates = [operation.resourceBody?.name, isPlainObject(sent) ? sent.name : undefined];
  const name = candidates.find((candidate) => candidate !== undefined && candidate !== null);
  return name === undefined ? "" : cellValue(name as JSONValue);
}

/** The verdict first, then the sentence that explains it. */
export function outcomeSummary(outcome: BatchOutcome): { verdict: string; detail: string } {
  const count = outcome.operations.length;
  switch (outcome.kind) {
    case "committed":
      return {
        verdict: "Committed",
        detail: `all ${plural(count, "operation")} succeeded and were written together; ${formatCharge(outcome.requestCharge)} RU in total.`,
      };
    case "rolled-back": {
      const failed = outcome.failed;
      const others = count > 1 ? "; the other operations report 424 Failed Dependency" : "";
      return {
        verdict: "Rolled back",
        detail:
          `operation #${outcome.failedIndex} (${operationLabel(failed)}) ` +
          `failed with ${statusText(failed.statusCode)}, so nothing was written${others}; ${formatCharge(outcome.requestCharge)} RU in total.`,
      };
    }
    case "rejected":
      return {
        verdict: "Rejected",
        detail:
          outcome.statusCode === undefined
            ? `the SDK refused to send the batch, so no operation ran: ${outcome.message}`
            : `the service refused the whole request with ${statusText(outcome.statusCode)}, so no operation ran: ${outcome.message}`,
      };
  }
}

/** A summary on one line: "Verdict: detail". */
export function summaryLine({ verdict, detail }: { verdict: string; detail: string }): string {
  return `${verdict}: ${detail}`;
}

/** "Committed: all 100 operations succeeded ..." — the verdict and its sentence, without the table. */
export function outcomeLine(outcome: BatchOutcome): string {
  return summaryLine(outcomeSummary(outcome));
}

export interface ChargeBreakdown {
  /** Each operation's own `requestCharge`, in order. */
  operationCharges: number[];
  sumOfOperations: number;
  /** The batch's `x-ms-request-charge` header: what the whole request cost. */
  batchCharge: number;
  /** Equal to two decimals, the precision the service reports charges with. */
  equal: boolean;
}

/** The charge of every operation and of the batch, for outcomes where operations ran. */
export function chargeBreakdown(outcome: BatchOutcome): ChargeBreakdown {
  const operationCharges =
    outcome.kind === "rejected" ? [] : outcome.operations.map((operation) => operation.requestCharge);
  const sumOfOperations = roundCharge(operationCharges.reduce((total, charge) => total + charge, 0));
  const batchCharge = roundCharge(outcome.requestCharge);
  return { operationCharges, sumOfOperations, batchCharge, equal: sumOfOperations === batchCharge };
}

/**
 * "Operations: 6.10 + 1.00 + 5.60 = 12.70 RU; the batch's x-ms-request-charge: 12.70 RU (the same)."
 * Every operation's charge against the batch's total, for cells where a full table would drown the point.
 */
export function chargeLine(outcome: BatchOutcome): string {
  const { operationCharges, sumOfOperations, batchCharge, equal } = chargeBreakdown(outcome);
  if (operationCharges.length === 0)
    return `No operation ran, so nothing was charged for operations (batch: ${formatCharge(batchCharge)} RU).`;
  const terms = operationCharges.map(formatCharge).join(" + ");
  const verdict = equal ? "the same" : `a difference of ${formatCharge(Math.abs(batchCharge - sumOfOperations))} RU`;
  return `Operations: ${terms} = ${formatCharge(sumOfOperations)} RU; the batch's x-ms-request-charge: ${formatCharge(batchCharge)} RU (${verdict}).`;
}

/** A committed batch reads as a success; a rolled-back or rejected one as a failure. */
export function outcomeTone(outcome: BatchOutcome): "success" | "failed" {
  return outcome.kind === "committed" ? "success" : "failed";
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------
// Text

type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

function painter(color: boolean | undefined): Paint {
  // validateStream: false -- the caller decides about colour (e.g. only when stdout is a TTY).
  return color === true
    ? (format, text) => styleText(format, text, { validateStream: false })
    : (_format, text) => text;
}

const TONE_TERMINAL_COLORS: Record<StatusTone, Parameters<typeof styleText>[0]> = {
  success: "green",
  failed: ["red", "bold"],
  dependency: "yellow",
  "not-run": "gray",
};

const VERDICT_COLORS: Record<BatchOutcome["kind"], Parameters<typeof styleText>[0]> = {
  committed: ["green", "bold"],
  "rolled-back": ["red", "bold"],
  rejected: ["red", "bold"],
};

export function formatOutcomeText(outcome: BatchOutcome, options: TextOptions = {}): string {
  const paint = painter(options.color);
  const { verdict, detail } = outcomeSummary(outcome);
  const summary = `${paint(VERDICT_COLORS[outcome.kind], `${verdict}:`)} ${detail}`;
  const rows = outcomeRows(outcome);
  if (rows.length === 0) return summary;
  const table = textTable(OUTCOME_HEADINGS, { paint, colAligns: ["right", "left", "left", "left", "left", "right"] });
  for (const row of rows) {
    const status = paint(TONE_TERMINAL_COLORS[row.tone], row.status);
    table.push([row.index, row.operation, row.id, row.name, status, row.requestCharge]);
  }
  return `${summary}\n${table.toString()}`;
}

/** A cli-table3 table in the workbook's style; headings bold when `paint` colours. */
export function textTable(
  headings: readonly string[],
  options: { paint?: Paint; colAligns?: Table.HorizontalAlignment[] } = {},
): Table.Table {
  const { paint = painter(false), colAligns } = options;
  return new Table({
    head: headings.map((heading) => paint("bold", heading)),
    // Empty styles: cli-table3 would otherwise colour headings and borders on its own. Compact: no
    // rule between rows, so a batch reads as one block.
    style: { head: [], border: [], compact: true },
    ...(colAligns === undefined ? {} : { colAligns }),
  });
}

// ---------------------------------------------------------------------------------------------
// HTML

export function formatOutcomeHtml(outcome: BatchOutcome): string {
  const { verdict, detail } = outcomeSummary(outcome);
  const summary = htmlParagraph(`${verdict}:`, detail, outcomeTone(outcome));
  const rows = outcomeRows(outcome);
  if (rows.length === 0) return `<div>${summary}</div>`;
  const body = rows.map((row) => ({
    tone: row.tone,
    cells: [row.index, row.operation, row.id, row.name, row.status, row.requestCharge].map((text) => ({ text })),
  }));
  return `<div>${summary}${htmlTable(OUTCOME_HEADINGS, body)}</div>`;
}

// ---------------------------------------------------------------------------------------------
// Item lists (e.g. the partition after a rolled-back batch: proof that nothing was written)

export type ItemLike = Record<string, unknown>;

/** Columns in first-seen order, without the system properties (`_rid`, `_etag`, `_ts`, ...). */
export function itemColumns(items: readonly ItemLike[]): string[] {
  const columns = new Set<string>();
  for (const item of items) for (const key of Object.keys(item)) if (!key.startsWith("_")) columns.add(key);
  return [...columns];
}

function itemsSummary(count: number): string {
  return count === 0 ? "No items." : `${plural(count, "item")}.`;
}

export function formatItemsText(
  items: readonly ItemLike[],
  columns?: readonly string[],
  options: TextOptions = {},
): string {
  const paint = painter(options.color);
  const summary = itemsSummary(items.length);
  if (items.length === 0) return summary;
  const shown = columns ?? itemColumns(items);
  const table = textTable(shown, { paint });
  for (const item of items) table.push(shown.map((column) => cellValue(item[column])));
  return `${summary}\n${table.toString()}`;
}

export function formatItemsHtml(items: readonly ItemLike[], columns?: readonly string[]): string {
  const summary = htmlNote(itemsSummary(items.length));
  if (items.length === 0) return `<div>${summary}</div>`;
  const shown = columns ?? itemColumns(items);
  const body = items.map((item) => ({
    tone: "plain" as const,
    cells: shown.map((column) => ({ text: cellValue(item[column]) })),
  }));
  return `<div>${summary}${htmlTable(shown, body)}</div>`;
}

/** Strings as they are, missing values empty, anything else (null included) as JSON. */
function cellValue(value: unknown): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
