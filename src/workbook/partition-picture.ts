/**
 * A picture of one logical partition before and after a batch (or a bulk run): the items before on
 * the left, the operations sent and their statuses in the middle, the items after on the right,
 * each item coloured by what happened to it. A rolled-back batch then *looks* like what it is: the
 * right column is the left column again, however many operations were sent.
 *
 * Three renderings of the same facts: the SVG drawing as an image in HTML, the same drawing as a PNG
 * (both survive the sanitising of untrusted notebooks, see svg-image.ts), and a text table for
 * terminals and for saved notebooks read as text.
 */
import type { BatchOutcome } from "./batch-outcomes";
import { bulkSummary, type BulkOutcome } from "./bulk-outcomes";
import { show, type Rendering } from "./display";
import { operationLabel, outcomeSummary, statusCell, summaryLine, textTable, type ItemLike } from "./format";
import { escapeHtml, TONE_COLORS, type Tone } from "./html";
import { svgImageHtml, svgToPng } from "./svg-image";

// ---------------------------------------------------------------------------------------------
// What changed

export type ItemChange = "unchanged" | "added" | "changed" | "removed";

export interface ItemComparison {
  id: string;
  before?: ItemLike;
  after?: ItemLike;
  change: ItemChange;
}

/**
 * Every id found before or after, in ordinal order, with what happened to it. System properties
 * (`_etag`, `_ts`, ...) are ignored: the picture is about the data a learner wrote, and the
 * service's bookkeeping would otherwise hide whether a property really changed.
 */
export function compareSnapshots(before: readonly ItemLike[], after: readonly ItemLike[]): ItemComparison[] {
  const beforeById = byId(before);
  const afterById = byId(after);
  const ids = [...new Set([...beforeById.keys(), ...afterById.keys()])].sort(compareOrdinal);
  return ids.map((id) => {
    const old = beforeById.get(id);
    const now = afterById.get(id);
    return {
      id,
      ...(old === undefined ? {} : { before: old }),
      ...(now === undefined ? {} : { after: now }),
      change: changeOf(old, now),
    };
  });
}

function changeOf(before: ItemLike | undefined, after: ItemLike | undefined): ItemChange {
  if (before === undefined) return "added";
  if (after === undefined) return "removed";
  return JSON.stringify(userProperties(before)) === JSON.stringify(userProperties(after)) ? "unchanged" : "changed";
}

/** The item without system properties, keys sorted so property order does not count as a change. */
function userProperties(item: ItemLike): Array<[string, unknown]> {
  return Object.entries(item)
    .filter(([key]) => !key.startsWith("_"))
    .sort(([a], [b]) => compareOrdinal(a, b));
}

function byId(items: readonly ItemLike[]): Map<string, ItemLike> {
  return new Map(items.map((item) => [String(item.id), item]));
}

function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One sentence about the partition as a whole. */
export function describeChanges(comparisons: readonly ItemComparison[]): string {
  const counts = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const comparison of comparisons) counts[comparison.change] += 1;
  if (counts.added + counts.changed + counts.removed === 0) {
    return "Nothing changed: the partition after is exactly the partition before.";
  }
  const parts = (["added", "changed", "removed", "unchanged"] as const)
    .filter((change) => counts[change] > 0)
    .map((change) => `${counts[change]} ${change}`);
  return `The partition changed: ${parts.join(", ")}.`;
}

// ---------------------------------------------------------------------------------------------
// The picture

export interface PartitionPictureOptions {
  /** Names the partition, e.g. `categoryId "bike-parts"`. */
  partition: string;
  /** Properties shown under each item's id (default: `name`). */
  fields?: readonly string[];
  /** What was sent between the two snapshots, drawn in the middle column. */
  outcome?: BatchOutcome | BulkOutcome;
}

export function drawPartitionChange(
  before: readonly ItemLike[],
  after: readonly ItemLike[],
  options: PartitionPictureOptions,
): Rendering {
  const picture: Picture = {
    partition: options.partition,
    comparisons: compareSnapshots(before, after),
    steps: options.outcome === undefined ? [] : operationSteps(options.outcome),
    fields: options.fields ?? ["name"],
    heading: outcomeHeading(options.outcome),
  };
  const drawing = pictureSvg(picture);
  return {
    text: pictureText(picture),
    html: `<div>${svgImageHtml(drawing.svg, drawing.label, drawing)}</div>`,
    image: svgToPng(drawing.svg),
  };
}

export function showPartitionChange(
  before: readonly ItemLike[],
  after: readonly ItemLike[],
  options: PartitionPictureOptions,
): void {
  show(drawPartitionChange(before, after, options));
}

/** What both renderings draw. */
interface Picture {
  partition: string;
  comparisons: readonly ItemComparison[];
  steps: readonly OperationStep[];
  fields: readonly string[];
  heading: OutcomeHeading | undefined;
}

/** An operation as drawn in the middle column. */
interface OperationStep {
  label: string;
  status: string;
  tone: Tone;
}

function operationSteps(outcome: BatchOutcome | BulkOutcome): OperationStep[] {
  return outcome.operations.map((operation) => {
    const { text, tone } = statusCell("statusCode" in operation ? operation.statusCode : undefined);
    return { label: `#${operation.index} ${operationLabel(operation)}`, status: text, tone };
  });
}

interface OutcomeHeading {
  /** Heads the middle column. */
  title: string;
  /** Ends "before and after ...". */
  phrase: string;
  verdict: string;
  detail: string;
}

function outcomeHeading(outcome: BatchOutcome | BulkOutcome | undefined): OutcomeHeading | undefined {
  if (outcome === undefined) return undefined;
  if (outcome.kind === "bulk") return { title: "Bulk", phrase: "the bulk run", ...bulkSummary(outcome) };
  const status = outcome.statusCode === undefined ? "" : ` (${outcome.statusCode})`;
  const { verdict, detail } = outcomeSummary(outcome);
  return { title: "Transactional batch", phrase: "the transactional batch", verdict: `${verdict}${status}`, detail };
}

const CHANGE_TONES: Record<ItemChange, Tone> = {
  unchanged: "plain",
  added: "success",
  changed: "dependency",
  removed: "failed",
};

/** `name: Brass Bell, quantity: 4`, each value cut short so a padded item stays one line. */
function itemLine(item: ItemLike, fields: readonly string[]): string {
  return fields
    .filter((field) => item[field] !== undefined)
    .map(
      (field) =>
        `${field}: ${shorten(typeof item[field] === "string" ? String(item[field]) : JSON.stringify(item[field]))}`,
    )
    .join(", ");
}

function shorten(text: string, limit = 24): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Text

function pictureText({ partition, comparisons, steps, fields, heading }: Picture): string {
  const lines = [`Partition ${partition}, before and after${heading === undefined ? "" : ` ${heading.phrase}`}`];
  if (heading !== undefined) lines.push(`${heading.title} — ${summaryLine(heading)}`);

  const items = textTable(["Item id", "Before", "After", "Change"]);
  for (const comparison of comparisons) {
    items.push([
      comparison.id,
      comparison.before === undefined ? "(absent)" : itemLine(comparison.before, fields),
      comparison.after === undefined ? "(absent)" : itemLine(comparison.after, fields),
      comparison.change,
    ]);
  }
  lines.push(comparisons.length === 0 ? "(the partition is empty before and after)" : items.toString());

  if (steps.length > 0) {
    const operations = textTable(["Operation sent", "Status"]);
    for (const step of steps) operations.push([step.label, step.status]);
    lines.push(operations.toString());
  }
  lines.push(describeChanges(comparisons));
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// SVG

const COLUMN_WIDTH = 250;
const COLUMN_GAP = 40;
const BOX_HEIGHT = 40;
const ROW_PITCH = 48;
const TOP = 58;
const FONT = "ui-monospace,Menlo,Consolas,monospace";

const COLUMN_X = {
  before: 0,
  operations: COLUMN_WIDTH + COLUMN_GAP,
  after: 2 * (COLUMN_WIDTH + COLUMN_GAP),
} as const;

/** The SVG markup, its size, and the sentence that stands for it where pictures are not seen. */
interface SvgDrawing {
  svg: string;
  width: number;
  height: number;
  label: string;
}

function pictureSvg({ partition, comparisons, steps, fields, heading }: Picture): SvgDrawing {
  const rows = Math.max(comparisons.length, steps.length, 1);
  const width = COLUMN_X.after + COLUMN_WIDTH;
  const captionY = TOP + rows * ROW_PITCH + 18;
  const height = captionY + 12;
  const parts: string[] = [
    svgText(0, 16, `Partition ${partition}`, { size: 14, bold: true }),
    columnTitle(COLUMN_X.before, "Before", `${comparisons.filter((c) => c.before !== undefined).length} items`),
    columnTitle(COLUMN_X.after, "After", `${comparisons.filter((c) => c.after !== undefined).length} items`),
    ...(heading === undefined ? [] : [columnTitle(COLUMN_X.operations, heading.title, heading.verdict)]),
    arrow(COLUMN_X.before + COLUMN_WIDTH + 6, COLUMN_X.operations - 6, TOP - 16),
    arrow(COLUMN_X.operations + COLUMN_WIDTH + 6, COLUMN_X.after - 6, TOP - 16),
    ...comparisons.flatMap((comparison, row) => itemBoxes(comparison, row, fields)),
    ...steps.map((step, row) => box(COLUMN_X.operations, rowY(row), step.label, step.status, step.tone, false)),
    svgText(0, captionY, describeChanges(comparisons), { size: 13, bold: true }),
  ];
  if (comparisons.length === 0) parts.push(svgText(COLUMN_X.before + 10, rowY(0) + 24, "(empty)", { size: 12 }));
  const label = `Partition ${partition}: ${describeChanges(comparisons)}`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-label="${escapeHtml(label)}" font-family="${FONT}">${parts.join("")}</svg>`;
  return { svg, width, height, label };
}

function rowY(row: number): number {
  return TOP + row * ROW_PITCH;
}

function columnTitle(x: number, title: string, subtitle: string): string {
  return svgText(x, 36, title, { size: 13, bold: true }) + svgText(x, 50, subtitle, { size: 11 });
}

/** Before on the left, after on the right, on the same row so an unchanged item lines up with itself. */
function itemBoxes(comparison: ItemComparison, row: number, fields: readonly string[]): string[] {
  const y = rowY(row);
  const before =
    comparison.before === undefined
      ? box(COLUMN_X.before, y, comparison.id, "(absent)", "not-run", true)
      : box(COLUMN_X.before, y, comparison.id, itemLine(comparison.before, fields), "plain", false);
  const after =
    comparison.after === undefined
      ? box(COLUMN_X.after, y, comparison.id, "(deleted)", "failed", true)
      : box(
          COLUMN_X.after,
          y,
          comparison.id,
          `${itemLine(comparison.after, fields)}`,
          CHANGE_TONES[comparison.change],
          false,
        );
  const mark = svgText(COLUMN_X.after + COLUMN_WIDTH - 8, y + 17, comparison.change, { size: 10, anchor: "end" });
  return [before, after, mark];
}

function box(x: number, y: number, title: string, detail: string, tone: Tone, dashed: boolean): string {
  const colors = TONE_COLORS[tone];
  const dash = dashed ? ` stroke-dasharray="5 4"` : "";
  return (
    `<rect x="${x + 0.5}" y="${y + 0.5}" width="${COLUMN_WIDTH - 1}" height="${BOX_HEIGHT}" rx="6" ` +
    `fill="${dashed ? "#ffffff" : colors.background}" stroke="${colors.border}"${dash}/>` +
    svgText(x + 10, y + 17, title, { size: 12, bold: true, color: colors.text }) +
    svgText(x + 10, y + 33, shorten(detail, 34), { size: 11, color: colors.text })
  );
}

function arrow(fromX: number, toX: number, y: number): string {
  return (
    `<line x1="${fromX}" y1="${y}" x2="${toX - 6}" y2="${y}" stroke="#5f6368" stroke-width="2"/>` +
    `<polygon points="${toX},${y} ${toX - 8},${y - 5} ${toX - 8},${y + 5}" fill="#5f6368"/>`
  );
}

function svgText(
  x: number,
  y: number,
  text: string,
  style: { size: number; bold?: boolean; color?: string; anchor?: "start" | "end" },
): string {
  const weight = style.bold === true ? ` font-weight="bold"` : "";
  const anchor = style.anchor === "end" ? ` text-anchor="end"` : "";
  return `<text x="${x}" y="${y}" font-size="${style.size}" fill="${style.color ?? "#202124"}"${weight}${anchor}>${escapeHtml(text)}</text>`;
}
