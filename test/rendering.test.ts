/**
 * `showRendering` outside a kernel (stdout) and inside a real tslab kernel, where a picture must
 * arrive as one display_data with both MIME types, like `show()`'s tables. The kernel loads the
 * compiled dist/ files, as notebooks do; the global setup builds dist/ before the suite.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { drawPartitionChange } from "../src/partition-picture";
import { htmlParagraph, htmlTable, showRendering, toneOfStatus } from "../src/rendering";
import { TslabKernel } from "../src/notebook/kernel";

describe("toneOfStatus", () => {
  it("reads 2xx as success, 424 as a failed dependency, other statuses as failures, none as not run", () => {
    expect([201, 204, 424, 412, 400, undefined].map(toneOfStatus)).toEqual(["success", "success", "dependency", "failed", "failed", "not-run"]);
  });
});

describe("htmlTable and htmlParagraph", () => {
  it("escape every value and colour toned cells", () => {
    const html = htmlTable(["<a>"], [[{ text: "x & y", tone: "failed" }], [{ text: "plain" }]]);
    expect(html).toContain("<th style=");
    expect(html).toContain(">&#60;a&#62;</th>");
    expect(html).toMatch(/<td style="[^"]*background:#fce8e6;color:#8a1c1c;font-weight:bold">x &#38; y<\/td>/);
    expect(html).toMatch(/<td style="border:1px solid #c4c7c5;padding:3px 8px;text-align:left">plain<\/td>/);
    expect(htmlParagraph("Lead:", "a < b", "success")).toBe('<p style="margin:0 0 6px 0"><strong style="color:#1e7e34">Lead:</strong> a &#60; b</p>');
  });
});

describe("showRendering outside a kernel", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints the text", () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...args));
    showRendering({ text: "plain words", html: "<b>rich</b>" });
    expect(printed).toEqual(["plain words"]);
  });
});

describe("showRendering inside a tslab kernel", () => {
  let kernel: TslabKernel;
  const renderingModule = JSON.stringify(path.resolve(__dirname, "../dist/rendering"));
  const pictureModule = JSON.stringify(path.resolve(__dirname, "../dist/partition-picture"));

  beforeAll(async () => {
    kernel = await TslabKernel.start({ cwd: mkdtempSync(path.join(tmpdir(), "rendering-kernel-")) });
  });

  afterAll(async () => {
    await kernel?.shutdown();
  });

  it("sends one display_data holding text/plain and text/html", async () => {
    const result = await kernel.execute(`import { showRendering } from ${renderingModule};\nshowRendering({ text: "plain", html: "<b>rich</b>" });`);
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": "plain", "text/html": "<b>rich</b>" }, metadata: {} }]);
  });

  it("shows a partition picture with its SVG and text fallback", async () => {
    const before = [{ id: "bell", name: "Brass Bell" }];
    const result = await kernel.execute(
      `import { showPartitionChange } from ${pictureModule};\n` +
        `showPartitionChange(${JSON.stringify(before)}, ${JSON.stringify(before)}, { partition: "p" });`,
    );
    expect(result.status).toBe("ok");
    const picture = drawPartitionChange(before, before, { partition: "p" });
    expect(result.outputs).toEqual([{ output_type: "display_data", data: { "text/plain": picture.text, "text/html": picture.html }, metadata: {} }]);
  });
});
