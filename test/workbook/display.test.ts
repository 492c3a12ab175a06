/**
 * `show` outside a kernel (stdout) and inside a real tslab kernel (one display_data with both MIME
 * types), for outcomes, item lists and ready renderings such as a partition picture. The kernel
 * tests load the compiled dist/ files, as notebooks do; the global setup builds dist/ before the
 * suite.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { classifyBatchResponse, create } from "../../src/workbook/batch-outcomes";
import { kernelDisplayWriter, render, show } from "../../src/workbook/display";
import { formatItemsHtml, formatItemsText, formatOutcomeHtml, formatOutcomeText } from "../../src/workbook/format";
import { labProducts, usedAccessories as category } from "../../src/workbook/lab-products";
import { drawPartitionChange } from "../../src/workbook/partition-picture";
import { TslabKernel } from "../../src/tools/notebook/kernel";

const items = [labProducts.saddle, labProducts.handlebar];
const outcome = classifyBatchResponse(
  {
    code: 207,
    result: [
      { statusCode: 424, requestCharge: 0 },
      { statusCode: 400, requestCharge: 1.24 },
    ],
  },
  [create(labProducts.light), create(labProducts.helmet)],
  category,
);

describe("render", () => {
  it("gives an outcome's text and HTML tables", () => {
    expect(render(outcome)).toEqual({ text: formatOutcomeText(outcome), html: formatOutcomeHtml(outcome) });
    expect(render(outcome, { color: true }).text).toBe(formatOutcomeText(outcome, { color: true }));
  });

  it("gives an item list's text and HTML tables", () => {
    expect(render(items)).toEqual({ text: formatItemsText(items), html: formatItemsHtml(items) });
    expect(render([])).toEqual({ text: "No items.", html: formatItemsHtml([]) });
  });
});

describe("show outside a kernel", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("finds no kernel in a plain Node process", () => {
    expect(kernelDisplayWriter()).toBeUndefined();
  });

  it("prints the uncoloured text table when stdout is not a terminal", () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...args));
    show(outcome);
    show(items);
    expect(printed).toEqual([formatOutcomeText(outcome), formatItemsText(items)]);
  });

  it("prints a rendering's text", () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...args));
    show({ text: "plain words", html: "<b>rich</b>" });
    expect(printed).toEqual(["plain words"]);
  });
});

describe("show inside a tslab kernel", () => {
  let kernel: TslabKernel;
  const displayModule = JSON.stringify(path.resolve(__dirname, "../../dist/workbook/display"));
  // The lab's data lives under test/, which tslab cannot import: the cells receive it as literals.
  const labData = `const labProducts = ${JSON.stringify(labProducts)};\nconst usedAccessoriesCategoryId = ${JSON.stringify(category)};\n`;
  const batchModule = JSON.stringify(path.resolve(__dirname, "../../dist/workbook/batch-outcomes"));
  const pictureModule = JSON.stringify(path.resolve(__dirname, "../../dist/workbook/partition-picture"));

  beforeAll(async () => {
    kernel = await TslabKernel.start({ cwd: mkdtempSync(path.join(tmpdir(), "display-kernel-")) });
  });

  afterAll(async () => {
    await kernel?.shutdown();
  });

  it("sends one display_data holding text/plain and text/html for an item list", async () => {
    const result = await kernel.execute(
      `import { show } from ${displayModule};\n${labData}show([labProducts.saddle, labProducts.handlebar]);`,
    );
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([
      {
        output_type: "display_data",
        data: { "text/plain": formatItemsText(items), "text/html": formatItemsHtml(items) },
        metadata: {},
      },
    ]);
  });

  it("sends the rolled-back outcome with its uncoloured table as text/plain", async () => {
    const result = await kernel.execute(
      `import { show } from ${displayModule};\nimport { classifyBatchResponse, create } from ${batchModule};\n` +
        labData +
        "show(classifyBatchResponse({ code: 207, result: [{ statusCode: 424, requestCharge: 0 }, { statusCode: 400, requestCharge: 1.24 }] }, " +
        "[create(labProducts.light), create(labProducts.helmet)], usedAccessoriesCategoryId));",
    );
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([
      {
        output_type: "display_data",
        data: { "text/plain": formatOutcomeText(outcome), "text/html": formatOutcomeHtml(outcome) },
        metadata: {},
      },
    ]);
    expect(JSON.stringify(result.outputs)).not.toContain("\\u001b[");
  });

  it("sends one display_data holding a rendering's text/plain and text/html", async () => {
    const result = await kernel.execute(
      `import { show } from ${displayModule};\nshow({ text: "plain", html: "<b>rich</b>" });`,
    );
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([
      { output_type: "display_data", data: { "text/plain": "plain", "text/html": "<b>rich</b>" }, metadata: {} },
    ]);
  });

  it("shows a partition picture as HTML, PNG and text, the PNG at its intended size", async () => {
    const before = [{ id: "bell", name: "Brass Bell" }];
    const result = await kernel.execute(
      `import { showPartitionChange } from ${pictureModule};\n` +
        `showPartitionChange(${JSON.stringify(before)}, ${JSON.stringify(before)}, { partition: "p" });`,
    );
    expect(result.status).toBe("ok");
    const picture = drawPartitionChange(before, before, { partition: "p" });
    expect(result.outputs).toEqual([
      {
        output_type: "display_data",
        data: { "text/plain": picture.text, "text/html": picture.html, "image/png": picture.image?.base64 },
        metadata: { "image/png": { width: picture.image?.width, height: picture.image?.height } },
      },
    ]);
  });
});
