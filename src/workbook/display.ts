/**
 * `show(value)`: one call that shows a batch outcome, a list of items, or any ready text + HTML
 * rendering (a partition picture, a batch/bulk comparison) wherever the code runs.
 *
 * - In a tslab kernel: one `display_data` message holding `text/plain` (the uncoloured table, for
 *   plain front ends and saved notebooks read as text), `text/html` (the styled table, or a picture
 *   as an image) and, for a picture, `image/png`.
 *   tslab's public `display.html()` can send only one MIME type per message, so the bundle goes
 *   through the kernel's own `lastWriteDisplayData`, which its public API also uses.
 * - Anywhere else (a script, a test): the text table on stdout, coloured only on a terminal.
 */
import { formatItemsHtml, formatItemsText, formatOutcomeHtml, formatOutcomeText, type ItemLike } from "./format";
import type { BatchOutcome } from "./batch-outcomes";
import type { PngImage } from "./svg-image";

/** Text for terminals and saved notebooks read as text; HTML for notebook front ends; a PNG for pictures. */
export interface Rendering {
  text: string;
  html: string;
  /** A picture's raster form, for front ends that show neither its HTML nor SVG. */
  image?: PngImage;
}

export type Showable = BatchOutcome | readonly ItemLike[] | Rendering;

/** A Jupyter MIME bundle, as tslab's kernel sends it on iopub. */
export interface DisplayData {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

export type WriteDisplayData = (displayData: DisplayData, update: boolean) => void;

/** Text (with or without colour) and HTML for a value; `show` sends them. A rendering is already both. */
export function render(value: Showable, options: { color?: boolean } = {}): Rendering {
  if (isItemList(value)) {
    return { text: formatItemsText(value, undefined, options), html: formatItemsHtml(value) };
  }
  if (isRendering(value)) return value;
  return { text: formatOutcomeText(value, options), html: formatOutcomeHtml(value) };
}

function isItemList(value: Showable): value is readonly ItemLike[] {
  return Array.isArray(value);
}

function isRendering(value: BatchOutcome | Rendering): value is Rendering {
  return "html" in value;
}

export function show(value: Showable): void {
  const write = kernelDisplayWriter();
  if (write !== undefined) {
    write(mimeBundle(render(value)), false);
    return;
  }
  console.log(render(value, { color: shouldColor() }).text);
}

/** What a kernel sends for a rendering: every form it has, the PNG shown at its intended size. */
export function mimeBundle({ text, html, image }: Rendering): DisplayData {
  if (image === undefined) return { data: { "text/plain": text, "text/html": html }, metadata: {}, transient: {} };
  return {
    data: { "text/plain": text, "text/html": html, "image/png": image.base64 },
    metadata: { "image/png": { width: image.width, height: image.height } },
    transient: {},
  };
}

/** Colour for people at a terminal; never in pipes, files or when NO_COLOR is set. */
function shouldColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

// ---------------------------------------------------------------------------------------------
// Finding the running kernel

type JupyterModule = { lastWriteDisplayData?: unknown };

/**
 * The kernel's writer, or undefined outside a kernel (or before its first execution). Looks in the
 * `tslab/dist/jupyter` module this project resolves, then in any tslab jupyter module already loaded
 * (a kernel started from another tslab installation has its own copy).
 */
export function kernelDisplayWriter(): WriteDisplayData | undefined {
  for (const candidate of jupyterModules()) {
    const writer = candidate.lastWriteDisplayData;
    if (typeof writer === "function") return writer as WriteDisplayData;
  }
  return undefined;
}

function jupyterModules(): JupyterModule[] {
  const modules: JupyterModule[] = [];
  const resolved = requireOptional("tslab/dist/jupyter");
  if (resolved !== undefined) modules.push(resolved);
  for (const [filename, cached] of Object.entries(require.cache ?? {})) {
    if (/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(filename) && cached?.exports)
      modules.push(cached.exports as JupyterModule);
  }
  return modules;
}

/** tslab is a dependency, but a bare script must not fail if it cannot be loaded. */
function requireOptional(specifier: string): JupyterModule | undefined {
  try {
    return require(specifier) as JupyterModule;
  } catch {
    return undefined;
  }
}
