/**
 * The small HTML table builder the deep-dive renderings share, in the palette of format.ts.
 * (Showing a rendering is `show()`'s job, in display.ts.)
 */
import { escapeHtml } from "./format";

export type { Rendering } from "./display";

// ---------------------------------------------------------------------------------------------
// Tones and tables shared by the comparison and the picture

/** How a status or an item change reads at a glance. */
export type Tone = "success" | "failed" | "dependency" | "not-run" | "plain";

/** The same colours as format.ts's outcome tables, so every table in the workbook reads alike. */
export const TONE_COLORS: Record<Tone, { background: string; text: string; border: string }> = {
  success: { background: "#e6f4ea", text: "#1e4620", border: "#1e7e34" },
  failed: { background: "#fce8e6", text: "#8a1c1c", border: "#b3261e" },
  dependency: { background: "#fff4e5", text: "#7a4d00", border: "#b06000" },
  "not-run": { background: "#f1f3f4", text: "#5f6368", border: "#9aa0a6" },
  plain: { background: "#ffffff", text: "#202124", border: "#c4c7c5" },
};

/** 2xx success, 424 a failed dependency, any other status a failure. */
export function toneOfStatus(statusCode: number | undefined): Tone {
  if (statusCode === undefined) return "not-run";
  if (statusCode >= 200 && statusCode < 300) return "success";
  return statusCode === 424 ? "dependency" : "failed";
}

const TABLE_STYLE = "border-collapse:collapse;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px";
const CELL_STYLE = "border:1px solid #c4c7c5;padding:3px 8px;text-align:left";
const HEAD_STYLE = `${CELL_STYLE};background:#e8eaed;color:#202124`;

export interface HtmlCell {
  text: string;
  tone?: Tone;
}

/** A table with a heading row; each cell escaped and, when it has a tone, coloured. */
export function htmlTable(headings: readonly string[], rows: ReadonlyArray<ReadonlyArray<HtmlCell>>): string {
  const head = headings.map((heading) => `<th style="${HEAD_STYLE}">${escapeHtml(heading)}</th>`).join("");
  const body = rows.map((cells) => `<tr>${cells.map(htmlCell).join("")}</tr>`).join("");
  return `<table style="${TABLE_STYLE}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function htmlCell(cell: HtmlCell): string {
  const tone = cell.tone === undefined || cell.tone === "plain" ? "" : `;background:${TONE_COLORS[cell.tone].background};color:${TONE_COLORS[cell.tone].text}`;
  const weight = cell.tone === "failed" ? ";font-weight:bold" : "";
  return `<td style="${CELL_STYLE}${tone}${weight}">${escapeHtml(cell.text)}</td>`;
}

/** A paragraph with a bold lead-in, e.g. "Rolled back:" then the sentence that explains it. */
export function htmlParagraph(lead: string, detail: string, tone: Tone = "plain"): string {
  const color = tone === "plain" ? "" : ` style="color:${TONE_COLORS[tone].border}"`;
  return `<p style="margin:0 0 6px 0"><strong${color}>${escapeHtml(lead)}</strong> ${escapeHtml(detail)}</p>`;
}
