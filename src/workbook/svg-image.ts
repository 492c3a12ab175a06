/**
 * An SVG drawing in the two forms that survive wherever a notebook is opened.
 *
 * Inline `<svg>` markup is stripped to bare text by every sanitiser that guards untrusted notebooks
 * (Jupyter before a notebook is trusted, nbconvert's SVG output, GitHub). What survives:
 *
 * - an `<img>` whose source is the SVG as a data URI: Jupyter's sanitiser keeps `img src` as it is,
 *   and the browser draws the vector picture, sharp at any zoom;
 * - a PNG (`image/png`), which every front end shows as it is, made here by resvg, a well-kept
 *   rasteriser, with the DejaVu fonts shipped on npm so the pixels are the same on every machine.
 */
import { dirname, join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { escapeHtml } from "./html";

/** A raster form of a picture: its pixels, and the size to show it at (the bitmap holds PIXEL_RATIO times as many, for sharp screens). */
export interface PngImage {
  base64: string;
  width: number;
  height: number;
}

const PIXEL_RATIO = 2;

/** The monospace face the PNG uses for the SVG's `monospace`; browsers pick their own. */
const FONT_FILES = ["DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"];
export const RASTER_FONT_FAMILY = "DejaVu Sans Mono";

function fontFiles(): string[] {
  const folder = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return FONT_FILES.map((file) => join(folder, file));
}

/** The SVG rasterised at twice its size; only the fonts shipped with the project, never the machine's. */
export function svgToPng(svg: string): PngImage {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: PIXEL_RATIO },
    font: {
      fontFiles: fontFiles(),
      loadSystemFonts: false,
      defaultFontFamily: RASTER_FONT_FAMILY,
      monospaceFamily: RASTER_FONT_FAMILY,
    },
    background: "#ffffff",
  });
  const rendered = resvg.render();
  return {
    base64: rendered.asPng().toString("base64"),
    width: Math.round(rendered.width / PIXEL_RATIO),
    height: Math.round(rendered.height / PIXEL_RATIO),
  };
}

/** `<img>` showing the SVG itself, with a text alternative for screen readers and for when images are off. */
export function svgImageHtml(svg: string, alt: string, size: { width: number; height: number }): string {
  const source = `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
  return `<img src="${source}" alt="${escapeHtml(alt)}" width="${size.width}" height="${size.height}">`;
}
