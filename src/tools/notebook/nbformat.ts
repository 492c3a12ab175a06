/**
 * Reading and writing Jupyter notebooks (nbformat 4.5, the version with cell ids).
 *
 * In memory, every multi-line text (cell source, stream text, text MIME values) is one string, so
 * callers never care whether a file stored it as a string or as a list of lines. On disk, texts are
 * written as lists of lines with sorted keys, a one-space indent and a trailing newline: the bytes
 * Jupyter itself writes, so a notebook saved here and then in Jupyter produces no diff.
 */
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";

/** MIME type -> value. Text types hold strings; JSON types (`application/json`, `*+json`) hold data. */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: string;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

interface CellBase {
  id: string;
  source: string;
  metadata: CellMetadata;
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  attachments?: Record<string, MimeBundle>;
}

export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: Record<string, MimeBundle>;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** Tags that Jupyter Book / MyST and nbclient understand; the runner honours the same names. */
export const TAG_RAISES_EXCEPTION = "raises-exception";
export const TAG_SKIP_EXECUTION = "skip-execution";

export class NotebookFormatError extends Error {
  override name = "NotebookFormatError";
}

export async function readNotebook(path: string): Promise<Notebook> {
  const text = await readFile(path, "utf8");
  try {
    return parseNotebook(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotebookFormatError(`${path} is not a readable notebook: ${reason}`);
  }
}

export async function writeNotebook(path: string, notebook: Notebook): Promise<void> {
  await writeFile(path, serializeNotebook(notebook), "utf8");
}

/** Parses notebook JSON, joins line lists into strings and gives every cell an id (upgrading 4.x to 4.5). */
export function parseNotebook(text: string): Notebook {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw) || raw.nbformat !== 4 || !Array.isArray(raw.cells)) {
    throw new NotebookFormatError("expected nbformat 4 JSON with a `cells` list");
  }
  const usedIds = new Set<string>();
  const cells = raw.cells.map((cell, index) => normaliseCell(cell, index, usedIds));
  const minor = typeof raw.nbformat_minor === "number" ? raw.nbformat_minor : 0;
  return {
    nbformat: 4,
    // Cell ids exist from 4.5 on; every cell has one now, so the file is at least 4.5.
    nbformat_minor: Math.max(minor, 5),
    metadata: isRecord(raw.metadata) ? raw.metadata : {},
    cells,
  };
}

/** The exact text Jupyter writes: sorted keys, indent 1, multi-line strings as lists of lines, final newline. */
export function serializeNotebook(notebook: Notebook): string {
  const onDisk = {
    ...notebook,
    cells: notebook.cells.map(cellOnDisk),
  };
  return `${JSON.stringify(sortKeysDeep(onDisk), null, 1)}\n`;
}

export function cellTags(cell: Cell): string[] {
  const tags = cell.metadata.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

export function hasTag(cell: Cell, tag: string): boolean {
  return cellTags(cell).includes(tag);
}

/** Returns a copy of the cell with `tag` added (once). */
export function withTag<C extends Cell>(cell: C, tag: string): C {
  if (hasTag(cell, tag)) return cell;
  return { ...cell, metadata: { ...cell.metadata, tags: [...cellTags(cell), tag] } };
}

/** nbformat's own id scheme: 8 hex characters from a UUID, unique within the notebook. */
export function newCellId(usedIds: ReadonlySet<string> = new Set()): string {
  for (;;) {
    const id = randomUUID().replace(/-/g, "").slice(0, 8);
    if (!usedIds.has(id)) return id;
  }
}

/** Splits like Python's `str.splitlines(keepends=True)` on "\n", which is how Jupyter stores text. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function joinMultiline(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(String).join("");
  return "";
}

/** Cell ids: letters, digits, "-" and "_", 1 to 64 characters (nbformat 4.5 schema). */
export const VALID_CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

function normaliseCell(raw: unknown, index: number, usedIds: Set<string>): Cell {
  if (!isRecord(raw)) throw new NotebookFormatError(`cell ${index} is not an object`);
  const cellType = raw.cell_type;
  const givenId = raw.id;
  const id =
    typeof givenId === "string" && VALID_CELL_ID.test(givenId) && !usedIds.has(givenId) ? givenId : newCellId(usedIds);
  usedIds.add(id);
  const base: CellBase = {
    id,
    source: joinMultiline(raw.source),
    metadata: isRecord(raw.metadata) ? raw.metadata : {},
  };
  const attachments = isRecord(raw.attachments) ? { attachments: raw.attachments as Record<string, MimeBundle> } : {};
  switch (cellType) {
    case "code":
      return {
        ...base,
        cell_type: "code",
        execution_count: typeof raw.execution_count === "number" ? raw.execution_count : null,
        outputs: Array.isArray(raw.outputs) ? raw.outputs.map(normaliseOutput) : [],
      };
    case "markdown":
      return { ...base, cell_type: "markdown", ...attachments };
    case "raw":
      return { ...base, cell_type: "raw", ...attachments };
    default:
      throw new NotebookFormatError(`cell ${index} has unknown cell_type ${JSON.stringify(cellType)}`);
  }
}

/** Accepts an output as stored in a file or as sent on iopub and returns the in-memory shape. */
export function normaliseOutput(raw: unknown): Output {
  if (!isRecord(raw)) throw new NotebookFormatError("an output is not an object");
  const metadata = isRecord(raw.metadata) ? raw.metadata : {};
  switch (raw.output_type) {
    case "stream":
      return {
        output_type: "stream",
        name: raw.name === "stderr" ? "stderr" : "stdout",
        text: joinMultiline(raw.text),
      };
    case "display_data":
      return { output_type: "display_data", data: normaliseMimeBundle(raw.data), metadata };
    case "execute_result":
      return {
        output_type: "execute_result",
        execution_count: typeof raw.execution_count === "number" ? raw.execution_count : null,
        data: normaliseMimeBundle(raw.data),
        metadata,
      };
    case "error":
      return {
        output_type: "error",
        ename: String(raw.ename ?? ""),
        evalue: String(raw.evalue ?? ""),
        traceback: Array.isArray(raw.traceback) ? raw.traceback.map(String) : [],
      };
    default:
      throw new NotebookFormatError(`unknown output_type ${JSON.stringify(raw.output_type)}`);
  }
}

function normaliseMimeBundle(raw: unknown): MimeBundle {
  if (!isRecord(raw)) return {};
  const bundle: MimeBundle = {};
  for (const [mime, value] of Object.entries(raw)) {
    bundle[mime] = isJsonMime(mime) ? value : joinMultiline(value);
  }
  return bundle;
}

/** nbformat keeps JSON MIME values as data and every other MIME value as (multi-line) text. */
function isJsonMime(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

function cellOnDisk(cell: Cell): Record<string, unknown> {
  const onDisk: Record<string, unknown> = { ...cell, source: splitLines(cell.source) };
  if (cell.cell_type === "code") onDisk.outputs = cell.outputs.map(outputOnDisk);
  return onDisk;
}

function outputOnDisk(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { ...output, text: splitLines(output.text) };
    case "display_data":
    case "execute_result":
      return { ...output, data: mimeBundleOnDisk(output.data) };
    case "error":
      return { ...output };
  }
}

function mimeBundleOnDisk(bundle: MimeBundle): MimeBundle {
  const onDisk: MimeBundle = {};
  for (const [mime, value] of Object.entries(bundle)) {
    onDisk[mime] = !isJsonMime(mime) && typeof value === "string" ? splitLines(value) : value;
  }
  return onDisk;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isRecord(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep(value[key]);
  return sorted;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
