/**
 * Batch outcomes and item lists as tables: text for a terminal (cli-table3, optional ANSI colour)
 * and HTML for a notebook (inline styles only, every value escaped).
 *
 * Both say the same thing: one row per operation with its item, status code *and* name, and RU,
 * under a summary line that states what happened to the batch as a whole.
 */
import { STATUS_CODES } from "node:http";
import { styleText } from "node:util";
import Table from "cli-table3";
import type { JSONObject, JSONValue } from "@azure/cosmos";
import { isSuccess, type BatchOutcome, type OperationOutcome, type OperationSummary } from "./batch";

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

// ---------------------------------------------------------------------------------------------
// What each row and the summary say (shared by text and HTML)

type RowTone = "success" | "failed" | "dependency" | "not-run";

interface OutcomeRow {
  index: string;
  operation: string;
  id: string;
  name: string;
  status: string;
  requestCharge: string;
  tone: RowTone;
}

const OUTCOME_HEADINGS = ["#", "Operation", "Item id", "Name", "Status", "RU"] as const;

function outcomeRows(outcome: BatchOutcome): OutcomeRow[] {
  if (outcome.kind === "rejected") return outcome.operations.map(notRunRow);
  return outcome.operations.map((operation) => ranRow(operation));
}

function ranRow(operation: OperationOutcome): OutcomeRow {
  return {
    ...describeOperation(operation),
    status: statusText(operation.statusCode),
    requestCharge: formatCharge(operation.requestCharge),
    tone: isSuccess(operation.statusCode) ? "success" : operation.statusCode === 424 ? "dependency" : "failed",
  };
}

function notRunRow(operation: OperationSummary): OutcomeRow {
  return { ...describeOperation(operation), status: "not run", requestCharge: "", tone: "not-run" };
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
  const candidates = [operation.resourceBody?.["name"], isPlainObject(sent) ? sent["name"] : undefined];
  const name = candidates.find((candidate) => candidate !== undefined && candidate !== null);
  return name === undefined ? "" : cellValue(name as JSONValue);
}

function formatCharge(requestCharge: number): string {
  return requestCharge.toFixed(2);
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
          `operation #${outcome.failedIndex} (${failed.operationType}${failed.id === undefined ? "" : ` ${failed.id}`}) ` +
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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------------------------
// Text

type Paint = (format: Parameters<typeof styleText>[0], text: string) => string;

function painter(color: boolean | undefined): Paint {
  // validateStream: false -- the caller decides about colour (e.g. only when stdout is a TTY).
  return color === true ? (format, text) => styleText(format, text, { validateStream: false }) : (_format, text) => text;
}

const TONE_COLORS: Record<RowTone, Parameters<typeof styleText>[0]> = {
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
  const table = newTable(OUTCOME_HEADINGS, paint, ["right", "left", "left", "left", "left", "right"]);
  for (const row of rows) {
    const status = paint(TONE_COLORS[row.tone], row.status);
    table.push([row.index, row.operation, row.id, row.name, status, row.requestCharge]);
  }
  return `${summary}\n${table.toString()}`;
}

function newTable(headings: readonly string[], paint: Paint, colAligns?: Table.HorizontalAlignment[]): Table.Table {
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

const TONE_STYLES: Record<RowTone, string> = {
  success: "background:#e6f4ea;color:#1e4620",
  failed: "background:#fce8e6;color:#8a1c1c;font-weight:bold",
  dependency: "background:#fff4e5;color:#7a4d00",
  "not-run": "background:#f1f3f4;color:#5f6368",
};

const VERDICT_STYLES: Record<BatchOutcome["kind"], string> = {
  committed: "color:#1e7e34",
  "rolled-back": "color:#b3261e",
  rejected: "color:#b3261e",
};

const TABLE_STYLE = "border-collapse:collapse;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px";
const CELL_STYLE = "border:1px solid #c4c7c5;padding:3px 8px;text-align:left";
const HEAD_STYLE = `${CELL_STYLE};background:#e8eaed;color:#202124`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

export function formatOutcomeHtml(outcome: BatchOutcome): string {
  const { verdict, detail } = outcomeSummary(outcome);
  const summary =
    `<p style="margin:0 0 6px 0"><strong style="${VERDICT_STYLES[outcome.kind]}">${escapeHtml(verdict)}:</strong> ` +
    `${escapeHtml(detail)}</p>`;
  const rows = outcomeRows(outcome);
  if (rows.length === 0) return `<div>${summary}</div>`;
  const body = rows.map((row) =>
    htmlRow([row.index, row.operation, row.id, row.name, row.status, row.requestCharge], TONE_STYLES[row.tone]),
  );
  return `<div>${summary}${htmlTable(OUTCOME_HEADINGS, body)}</div>`;
}

function htmlTable(headings: readonly string[], bodyRows: readonly string[]): string {
  const head = headings.map((heading) => `<th style="${HEAD_STYLE}">${escapeHtml(heading)}</th>`).join("");
  return `<table style="${TABLE_STYLE}"><thead><tr>${head}</tr></thead><tbody>${bodyRows.join("")}</tbody></table>`;
}

function htmlRow(cells: readonly string[], rowStyle: string): string {
  const tds = cells.map((cell) => `<td style="${CELL_STYLE}">${escapeHtml(cell)}</td>`).join("");
  return `<tr style="${rowStyle}">${tds}</tr>`;
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

export function formatItemsText(items: readonly ItemLike[], columns?: readonly string[], options: TextOptions = {}): string {
  const paint = painter(options.color);
  const summary = itemsSummary(items.length);
  if (items.length === 0) return summary;
  const shown = columns ?? itemColumns(items);
  const table = newTable(shown, paint);
  for (const item of items) table.push(shown.map((column) => cellValue(item[column])));
  return `${summary}\n${table.toString()}`;
}

export function formatItemsHtml(items: readonly ItemLike[], columns?: readonly string[]): string {
  const summary = `<p style="margin:0 0 6px 0">${escapeHtml(itemsSummary(items.length))}</p>`;
  if (items.length === 0) return `<div>${summary}</div>`;
  const shown = columns ?? itemColumns(items);
  const body = items.map((item) => htmlRow(shown.map((column) => cellValue(item[column])), ""));
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
