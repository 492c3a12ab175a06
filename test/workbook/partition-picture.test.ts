/**
 * The before/after picture of a partition: what counts as a change, the text fallback and the SVG,
 * for a committed batch, a rolled-back one and a bulk run.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { classifyBatchResponse, create, read, remove, replace } from "../../src/workbook/batch-outcomes";
import { classifyBulkResults } from "../../src/workbook/bulk-outcomes";
import {
  compareSnapshots,
  describeChanges,
  drawPartitionChange,
  showPartitionChange,
} from "../../src/workbook/partition-picture";

/** The SVG a picture's HTML shows, decoded from its `<img>` data URI. */
function svgOf(html: string): string {
  const source = /^<div><img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(html);
  if (source?.[1] === undefined) throw new Error(`No SVG image in ${html.slice(0, 80)}`);
  return Buffer.from(source[1], "base64").toString("utf8");
}

const bell = { id: "bell", name: "Brass Bell", categoryId: "bike-parts", quantity: 4, _etag: '"1"', _ts: 1 };
const lock = { id: "lock", name: "D-Lock", categoryId: "bike-parts", quantity: 2, _etag: '"2"', _ts: 1 };
const light = { id: "light", name: "Front Light", categoryId: "bike-parts", quantity: 3 };

const operations = [
  create(light),
  replace("lock", { name: "D-Lock", categoryId: "bike-parts", quantity: 1 }, { ifMatch: '"stale"' }),
  read("bell"),
];
const rolledBack = classifyBatchResponse(
  {
    code: 207,
    result: [
      { statusCode: 424, requestCharge: 0 },
      { statusCode: 412, requestCharge: 1 },
      { statusCode: 424, requestCharge: 0 },
    ],
  },
  operations,
  "bike-parts",
);

describe("compareSnapshots", () => {
  it("pairs items by id in ordinal order and names each change, ignoring system properties", () => {
    const after = [{ ...bell, _etag: '"9"', _ts: 2 }, { ...lock, quantity: 1 }, light];
    expect(compareSnapshots([lock, bell], after).map(({ id, change }) => [id, change])).toEqual([
      ["bell", "unchanged"],
      ["light", "added"],
      ["lock", "changed"],
    ]);
    expect(compareSnapshots([bell], []).map(({ change }) => change)).toEqual(["removed"]);
  });

  it("does not count a different property order as a change", () => {
    const reordered = { quantity: 4, name: "Brass Bell", id: "bell", categoryId: "bike-parts" };
    expect(compareSnapshots([bell], [reordered])[0]?.change).toBe("unchanged");
  });

  it("says in one sentence whether the partition changed", () => {
    expect(describeChanges(compareSnapshots([bell, lock], [bell, lock]))).toBe(
      "Nothing changed: the partition after is exactly the partition before.",
    );
    expect(describeChanges(compareSnapshots([bell, lock], [bell, light]))).toBe(
      "The partition changed: 1 added, 1 removed, 1 unchanged.",
    );
  });
});

describe("drawPartitionChange", () => {
  const picture = drawPartitionChange([bell, lock], [bell, lock], {
    partition: 'categoryId "bike-parts"',
    fields: ["name", "quantity"],
    outcome: rolledBack,
  });

  it("writes a text table of items, the operations sent, and the verdict", () => {
    const lines = picture.text.split("\n");
    expect(lines[0]).toBe('Partition categoryId "bike-parts", before and after the transactional batch');
    expect(lines[1]).toMatch(
      /^Transactional batch — Rolled back \(207\): operation #1 \(Replace lock\) failed with 412 Precondition Failed/,
    );
    expect(picture.text).toMatch(
      /│ bell\s+│ name: Brass Bell, quantity: 4 │ name: Brass Bell, quantity: 4 │ unchanged │/,
    );
    expect(picture.text).toMatch(/│ #1 Replace lock\s+│ 412 Precondition Failed\s+│/);
    expect(picture.text).toMatch(/│ #0 Create light\s+│ 424 Failed Dependency\s+│/);
    expect(lines.at(-1)).toBe("Nothing changed: the partition after is exactly the partition before.");
  });

  it("draws an SVG with the three columns, every item and operation, and no system property", () => {
    expect(svgOf(picture.html)).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="830" height="\d+"/);
    for (const text of [
      "Before",
      "After",
      "Transactional batch",
      "Rolled back (207)",
      "#1 Replace lock",
      "412 Precondition Failed",
      "name: D-Lock, quantity: 2",
    ]) {
      expect(svgOf(picture.html)).toContain(`>${text}</text>`);
    }
    expect(svgOf(picture.html)).not.toMatch(/_etag|_ts/);
    expect(svgOf(picture.html).match(/<rect /g)).toHaveLength(2 * 2 + 3);
  });

  it("escapes item values in both renderings' HTML", () => {
    const risky = { id: "<b>", name: `"quoted" & <script>`, categoryId: "x" };
    const { html } = drawPartitionChange([], [risky], { partition: "x" });
    for (const markup of [html, svgOf(html)]) {
      expect(markup).not.toContain("<script>");
      expect(markup).not.toContain("<b>");
    }
    expect(svgOf(html)).toContain("&#60;b&#62;");
  });

  it("marks added, changed and deleted items, and absent ones with a dashed outline", () => {
    const { html, text } = drawPartitionChange([bell, lock], [{ ...lock, quantity: 1 }, light], {
      partition: "p",
      fields: ["quantity"],
    });
    expect(text).toMatch(/│ bell\s+│ quantity: 4\s+│ \(absent\)\s+│ removed/);
    expect(text).toMatch(/│ light\s+│ \(absent\)\s+│ quantity: 3\s+│ added/);
    expect(text).toMatch(/│ lock\s+│ quantity: 2\s+│ quantity: 1\s+│ changed/);
    expect(svgOf(html).match(/stroke-dasharray/g)).toHaveLength(2);
    expect(svgOf(html)).toContain(">(deleted)</text>");
    expect(text.split("\n")[0]).toBe("Partition p, before and after");
  });

  it("cuts long values short so a padded item stays on one line", () => {
    const padded = { id: "big", padding: "x".repeat(1000) };
    const { text, html } = drawPartitionChange([], [padded], { partition: "p", fields: ["padding"] });
    expect(text).toContain(`padding: ${"x".repeat(23)}…`);
    expect(svgOf(html)).not.toContain("x".repeat(40));
  });

  it("draws a bulk run's statuses in the middle column", () => {
    const bulk = classifyBulkResults(
      [
        { operationInput: create(light), response: { statusCode: 201, requestCharge: 6, diagnostics: {} as never } },
        { operationInput: remove("pump"), error: Object.assign(new Error("missing"), { code: 404 }) as never },
      ],
      [create(light), remove("pump")],
      "bike-parts",
    );
    const { text, html } = drawPartitionChange([bell], [bell, light], { partition: "p", outcome: bulk });
    expect(text.split("\n")[0]).toBe("Partition p, before and after the bulk run");
    expect(text.split("\n")[1]).toBe(
      "Bulk — Partly applied: 1 of 2 operations succeeded and stay applied; 1 failed (#1 404 Not Found) without undoing the others.",
    );
    expect(svgOf(html)).toContain(">Partly applied</text>");
    expect(svgOf(html)).toContain(">404 Not Found</text>");
  });

  it("says when the partition is empty", () => {
    const { text, html } = drawPartitionChange([], [], { partition: "p" });
    expect(text).toContain("(the partition is empty before and after)");
    expect(svgOf(html)).toContain(">(empty)</text>");
  });

  it("shows the SVG as an image, with the partition's sentence as its text alternative", () => {
    expect(picture.html).toMatch(
      /^<div><img src="data:image\/svg\+xml;base64,[^"]+" alt="Partition categoryId &#34;bike-parts&#34;: Nothing changed: the partition after is exactly the partition before\." width="830" height="\d+"><\/div>$/,
    );
  });

  it("carries the same drawing as a PNG at twice its size, shown at the SVG's size", () => {
    const { image } = picture;
    const png = Buffer.from(image?.base64 ?? "", "base64");
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const svgHeight = Number(/height="(\d+)"/.exec(svgOf(picture.html))?.[1]);
    expect(image).toMatchObject({ width: 830, height: svgHeight });
    // The PNG header (IHDR) holds the bitmap's width and height.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1660, 2 * svgHeight]);
  });

  it("gives the same picture every time for the same input", () => {
    const again = drawPartitionChange([bell, lock], [bell, lock], {
      partition: 'categoryId "bike-parts"',
      fields: ["name", "quantity"],
      outcome: rolledBack,
    });
    expect(again).toEqual(picture);
  });
});

describe("showPartitionChange outside a kernel", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prints the text picture", () => {
    const printed: unknown[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void printed.push(...args));
    showPartitionChange([bell], [bell], { partition: "p" });
    expect(printed).toEqual([drawPartitionChange([bell], [bell], { partition: "p" }).text]);
  });
});
