/**
 * Turning iopub messages into notebook outputs, and outputs into plain text.
 *
 * Outputs are kept in the shapes nbformat stores, so an executed notebook can be written as is.
 * The text form is what tests of notebooks assert on: tslab prints a cell's last value and its
 * errors as stream text, and rich displays carry `text/plain` or HTML.
 */
import type { JupyterMessage } from "./protocol";
import { normaliseOutput, type DisplayDataOutput, type Output } from "./nbformat";

export interface PendingOutputs {
  outputs: Output[];
  /** Displays by display id, so `update_display_data` can find them. */
  displays?: Map<string, DisplayDataOutput[]>;
}

/** Adds one iopub message's output to a cell's outputs, the way a notebook front end would. */
export function collectOutput(pending: PendingOutputs, message: JupyterMessage): void {
  const content = message.content;
  switch (message.header.msg_type) {
    case "stream":
      appendStream(pending.outputs, content.name === "stderr" ? "stderr" : "stdout", String(content.text ?? ""));
      return;
    case "display_data":
    case "execute_result":
    case "error": {
      const output = normaliseOutput({ ...content, output_type: message.header.msg_type });
      pending.outputs.push(output);
      rememberDisplay(pending, output, content);
      return;
    }
    case "update_display_data":
      updateDisplay(pending, content);
      return;
    case "clear_output":
      pending.outputs.length = 0;
      return;
  }
}

/** Consecutive writes to one stream are one output, as Jupyter merges them. */
function appendStream(outputs: Output[], name: "stdout" | "stderr", text: string): void {
  const last = outputs.at(-1);
  if (last?.output_type === "stream" && last.name === name) last.text += text;
  else outputs.push({ output_type: "stream", name, text });
}

/** `update_display_data` rewrites, in place, every display shown earlier with the same display id (tslab's `newDisplay()`). */
function updateDisplay(pending: PendingOutputs, content: Record<string, unknown>): void {
  const displayId = displayIdOf(content);
  if (displayId === undefined) return;
  const replacement = normaliseOutput({ ...content, output_type: "display_data" });
  if (replacement.output_type !== "display_data") return;
  for (const shown of pending.displays?.get(displayId) ?? []) {
    shown.data = replacement.data;
    shown.metadata = replacement.metadata;
  }
}

function rememberDisplay(pending: PendingOutputs, output: Output, content: Record<string, unknown>): void {
  const displayId = displayIdOf(content);
  if (displayId === undefined || output.output_type !== "display_data") return;
  pending.displays ??= new Map();
  pending.displays.set(displayId, [...(pending.displays.get(displayId) ?? []), output]);
}

/** The display id travels in `transient`, which is never saved in a notebook file. */
function displayIdOf(content: Record<string, unknown>): string | undefined {
  const transient = content.transient;
  if (typeof transient === "object" && transient !== null) {
    const id = (transient as Record<string, unknown>).display_id;
    if (typeof id === "string") return id;
  }
  return undefined;
}

/**
 * A cell's outputs as text: stream text, then for rich outputs `text/plain`, else HTML reduced to
 * its text, else Markdown; errors as `name: message` and their traceback.
 */
export function outputsToText(outputs: readonly Output[]): string {
  return outputs.map(outputToText).join("");
}

export function outputToText(output: Output): string {
  switch (output.output_type) {
    case "stream":
      return output.text;
    case "display_data":
    case "execute_result":
      return endWithNewline(mimeBundleToText(output.data));
    case "error":
      return endWithNewline([`${output.ename}: ${output.evalue}`, ...output.traceback].join("\n"));
  }
}

function mimeBundleToText(data: Record<string, unknown>): string {
  const plain = data["text/plain"];
  if (typeof plain === "string") return plain;
  const html = data["text/html"];
  if (typeof html === "string") return htmlToText(html);
  const markdown = data["text/markdown"];
  if (typeof markdown === "string") return markdown;
  const json = data["application/json"];
  if (json !== undefined) return JSON.stringify(json, null, 2);
  return "";
}

const BLOCK_END = /<\/(p|div|tr|li|h[1-6]|table|thead|tbody|pre|ul|ol|section|caption)\s*>/gi;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/**
 * HTML to readable text: block ends and <br> become line breaks (blank lines are dropped), table
 * cells are separated by a tab, scripts and styles vanish, entities are decoded. Enough to assert on what a display shows.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(BLOCK_END, "\n")
    .replace(/<\/t[dh]\s*>\s*(?=<t[dh]\b)/gi, "\t")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, decodeEntity);
  return text
    .split("\n")
    .map((line) => line.replace(/[ \f\r\v]+/g, " ").trim())
    .filter((line) => line !== "")
    .join("\n");
}

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
  if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
  return ENTITIES[name.toLowerCase()] ?? entity;
}

function endWithNewline(text: string): string {
  return text === "" || text.endsWith("\n") ? text : `${text}\n`;
}
