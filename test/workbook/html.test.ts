/** The HTML building blocks every notebook rendering shares: escaped, toned tables and paragraphs. */
import { describe, expect, it } from "vitest";
import { htmlParagraph, htmlTable } from "../../src/workbook/html";

describe("htmlTable and htmlParagraph", () => {
  it("escape every value and colour toned cells", () => {
    const html = htmlTable(["<a>"], [[{ text: "x & y", tone: "failed" }], [{ text: "plain" }]]);
    expect(html).toContain("<th style=");
    expect(html).toContain(">&#60;a&#62;</th>");
    expect(html).toMatch(
      /<td bgcolor="#fce8e6" style="[^"]*background:#fce8e6;color:#8a1c1c;font-weight:bold">x &#38; y<\/td>/,
    );
    expect(html).toMatch(/<td style="border:1px solid #c4c7c5;padding:3px 8px;text-align:left">plain<\/td>/);
    expect(htmlParagraph("Lead:", "a < b", "success")).toBe(
      '<p style="margin:0 0 6px 0"><strong style="color:#1e7e34">Lead:</strong> a &#60; b</p>',
    );
  });

  it("say each colour again in attributes Jupyter's sanitiser keeps when it drops the styles", () => {
    const html = htmlTable(["h"], [{ tone: "dependency", cells: [{ text: "424" }, { text: "x", tone: "failed" }] }]);
    expect(html).toContain(
      '<th style="border:1px solid #c4c7c5;padding:3px 8px;text-align:left;background:#e8eaed;color:#202124" bgcolor="#e8eaed">h</th>',
    );
    expect(html).toContain('<tr style="background:#fff4e5;color:#7a4d00">');
    expect(html).toMatch(/<td bgcolor="#fff4e5" style="[^"]*">424<\/td>/);
    expect(html).toMatch(/<td bgcolor="#fce8e6" style="[^"]*">x<\/td>/);
  });
});
