/**
 * The HTML every notebook rendering is built from: one palette, escaping, a table and a paragraph.
 * Inline styles only and every value escaped, so the outcome tables, the batch/bulk comparison and
 * the partition picture all read alike wherever the notebook is opened.
 *
 * Jupyter shows an untrusted notebook's HTML (one freshly cloned, not yet run) through a sanitiser
 * that drops every inline style. The colours are therefore said twice: in the style, and in the old
 * presentational attribute the sanitiser keeps (`bgcolor` on cells), so a failing row still reads
 * red before anything has run.
 */

/** How a status, a row or an item change reads at a glance. */
export type Tone = "success" | "failed" | "dependency" | "not-run" | "plain";

/** The workbook's one palette: a tone's fill, its text, and its border (also a verdict's colour). */
export const TONE_COLORS: Record<Tone, { background: string; text: string; border: string }> = {
  success: { background: "#e6f4ea", text: "#1e4620", border: "#1e7e34" },
  failed: { background: "#fce8e6", text: "#8a1c1c", border: "#b3261e" },
  dependency: { background: "#fff4e5", text: "#7a4d00", border: "#b06000" },
  "not-run": { background: "#f1f3f4", text: "#5f6368", border: "#9aa0a6" },
  plain: { background: "#ffffff", text: "#202124", border: "#c4c7c5" },
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The inline style of a toned row or cell; a plain one keeps the table's own colours. */
function toneStyle(tone: Tone): string {
  if (tone === "plain") return "";
  const { background, text } = TONE_COLORS[tone];
  return `background:${background};color:${text}${tone === "failed" ? ";font-weight:bold" : ""}`;
}

const TABLE_STYLE = "border-collapse:collapse;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px";
const CELL_STYLE = "border:1px solid #c4c7c5;padding:3px 8px;text-align:left";
const HEAD_BACKGROUND = "#e8eaed";
const HEAD_STYLE = `${CELL_STYLE};background:${HEAD_BACKGROUND};color:#202124`;
const PARAGRAPH_STYLE = "margin:0 0 6px 0";

export interface HtmlCell {
  text: string;
  tone?: Tone;
}

/** A row toned as a whole (an outcome table colours rows; the batch/bulk comparison colours cells). */
export interface HtmlRow {
  tone: Tone;
  cells: readonly HtmlCell[];
}

/** A table with a heading row; each cell escaped and, when it or its row has a tone, coloured. */
export function htmlTable(headings: readonly string[], rows: ReadonlyArray<readonly HtmlCell[] | HtmlRow>): string {
  const head = headings
    .map((heading) => `<th style="${HEAD_STYLE}" bgcolor="${HEAD_BACKGROUND}">${escapeHtml(heading)}</th>`)
    .join("");
  const body = rows.map(htmlRow).join("");
  return `<table style="${TABLE_STYLE}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function htmlRow(row: readonly HtmlCell[] | HtmlRow): string {
  if (isCellList(row)) return `<tr>${row.map((cell) => htmlCell(cell)).join("")}</tr>`;
  // The row's style colours it where styles survive; each cell's bgcolor where they do not.
  return `<tr style="${toneStyle(row.tone)}">${row.cells.map((cell) => htmlCell(cell, row.tone)).join("")}</tr>`;
}

function isCellList(row: readonly HtmlCell[] | HtmlRow): row is readonly HtmlCell[] {
  return Array.isArray(row);
}

function htmlCell(cell: HtmlCell, rowTone: Tone = "plain"): string {
  const tone = cell.tone === undefined ? "" : toneStyle(cell.tone);
  const background = backgroundAttribute(cell.tone ?? rowTone);
  return `<td${background} style="${CELL_STYLE}${tone === "" ? "" : `;${tone}`}">${escapeHtml(cell.text)}</td>`;
}

/** ` bgcolor="..."` for a toned cell: the colour that survives sanitising. */
function backgroundAttribute(tone: Tone): string {
  return tone === "plain" ? "" : ` bgcolor="${TONE_COLORS[tone].background}"`;
}

/** A paragraph with a bold lead-in, e.g. "Rolled back:" then the sentence that explains it. */
export function htmlParagraph(lead: string, detail: string, tone: Tone = "plain"): string {
  const color = tone === "plain" ? "" : ` style="color:${TONE_COLORS[tone].border}"`;
  return `<p style="${PARAGRAPH_STYLE}"><strong${color}>${escapeHtml(lead)}</strong> ${escapeHtml(detail)}</p>`;
}

/** A paragraph of plain text, e.g. "2 items." over an item table. */
export function htmlNote(text: string): string {
  return `<p style="${PARAGRAPH_STYLE}">${escapeHtml(text)}</p>`;
}
