/** The two forms of a drawing that survive sanitising: an SVG `<img>` and a PNG drawn with the shipped font. */
import { describe, expect, it } from "vitest";
import { svgImageHtml, svgToPng } from "../../src/workbook/svg-image";

const frame = (content: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30" viewBox="0 0 120 30">${content}</svg>`;

describe("svgToPng", () => {
  it("draws text with the project's own font, not the machine's (none are loaded)", () => {
    const blank = svgToPng(frame(""));
    const lettered = svgToPng(frame(`<text x="4" y="20" font-family="monospace" font-size="14">201 Created</text>`));
    expect(lettered).toMatchObject({ width: 120, height: 30 });
    expect(lettered.base64).not.toBe(blank.base64);
  });

  it("gives the same pixels for the same drawing", () => {
    const drawing = frame(`<text x="4" y="20" font-size="14" font-weight="bold">424</text>`);
    expect(svgToPng(drawing).base64).toBe(svgToPng(drawing).base64);
  });
});

describe("svgImageHtml", () => {
  it("puts the SVG in a data URI and escapes the text alternative", () => {
    const svg = frame("");
    expect(svgImageHtml(svg, `a "b" <c>`, { width: 120, height: 30 })).toBe(
      `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}" alt="a &#34;b&#34; &#60;c&#62;" width="120" height="30">`,
    );
  });
});
