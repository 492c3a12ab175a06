import { describe, expect, it } from "vitest";
import { stripVTControlCharacters } from "node:util";
import {
  classifyBatchError,
  classifyBatchResponse,
  create,
  read,
  remove,
  type BatchOutcome,
} from "../../src/workbook/batch-outcomes";
import {
  formatItemsHtml,
  formatItemsText,
  formatOutcomeHtml,
  formatOutcomeText,
  itemColumns,
  outcomeSummary,
  statusText,
  toneOfStatus,
} from "../../src/workbook/format";
import { escapeHtml } from "../../src/workbook/html";
import { labProducts, usedAccessories as category } from "../../src/workbook/lab-products";

const { saddle, handlebar, light, helmet } = labProducts;
const ESC = "\u001b[";

const committed: BatchOutcome = classifyBatchResponse(
  {
    code: 200,
    headers: { "x-ms-request-charge": "20.96" },
    result: [
      { statusCode: 201, requestCharge: 10.48, resourceBody: { ...saddle, _etag: '"e1"', _ts: 1 } },
      { statusCode: 201, requestCharge: 10.48, resourceBody: { ...handlebar } },
    ],
  },
  [create(saddle), create(handlebar)],
  category,
);

/** The lab's errant batch: no bodies come back, so names must come from the operations sent. */
const rolledBack: BatchOutcome = classifyBatchResponse(
  {
    code: 207,
    headers: { "x-ms-request-charge": "1.24" },
    result: [
      { statusCode: 424, requestCharge: 0 },
      { statusCode: 400, requestCharge: 1.24 },
    ],
  },
  [create(light), create(helmet)],
  category,
);

const rejected: BatchOutcome = classifyBatchError(
  Object.assign(
    new Error(
      "Batch request error: One or more operations within the batch request have a different partition key value than the request.",
    ),
    {
      cause: { code: 400 },
    },
  ),
  [create(light), remove("012A")],
  category,
)!;

describe("statusText", () => {
  it.each([
    [200, "200 OK"],
    [201, "201 Created"],
    [204, "204 No Content"],
    [207, "207 Multi-Status"],
    [400, "400 Bad Request"],
    [404, "404 Not Found"],
    [409, "409 Conflict"],
    [412, "412 Precondition Failed"],
    [413, "413 Request Entity Too Large"],
    [424, "424 Failed Dependency"],
    [429, "429 Too Many Requests"],
    [449, "449 Retry With"],
    [799, "799"],
  ])("%i -> %s", (code, text) => {
    expect(statusText(code)).toBe(text);
  });
});

describe("toneOfStatus", () => {
  it("reads 2xx as success, 424 as a failed dependency, other statuses as failures, none as not run", () => {
    expect([201, 204, 424, 412, 400, undefined].map(toneOfStatus)).toEqual([
      "success",
      "success",
      "dependency",
      "failed",
      "failed",
      "not-run",
    ]);
  });
});

describe("outcomeSummary", () => {
  it("says a committed batch wrote everything, with its RU", () => {
    expect(outcomeSummary(committed)).toEqual({
      verdict: "Committed",
      detail: "all 2 operations succeeded and were written together; 20.96 RU in total.",
    });
  });

  it("names the failing operation of a rolled-back batch and says nothing was written", () => {
    expect(outcomeSummary(rolledBack)).toEqual({
      verdict: "Rolled back",
      detail:
        "operation #1 (Create 012C) failed with 400 Bad Request, so nothing was written; the other operations report 424 Failed Dependency; 1.24 RU in total.",
    });
  });

  it("says a rejected request ran nothing, with or without a status", () => {
    expect(outcomeSummary(rejected).detail).toBe(
      "the service refused the whole request with 400 Bad Request, so no operation ran: One or more operations within the batch request have a different partition key value than the request.",
    );
    const refused = classifyBatchError(
      new Error("Cannot run batch request with more than 100 operations per partition"),
      [read("1")],
      category,
    )!;
    expect(outcomeSummary(refused).detail).toBe(
      "the SDK refused to send the batch, so no operation ran: Cannot run batch request with more than 100 operations per partition",
    );
  });
});

describe("formatOutcomeText", () => {
  it("puts the summary over a table with index, operation, id, name, named status and RU", () => {
    const text = formatOutcomeText(committed);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Committed: all 2 operations succeeded and were written together; 20.96 RU in total.");
    expect(text).toMatch(/│ #\s*│ Operation\s*│ Item id\s*│ Name\s*│ Status\s*│\s*RU │/);
    expect(text).toMatch(/│ 0 │ Create\s*│ 0120\s*│ Worn Saddle\s*│ 201 Created\s*│ 10\.48 │/);
    expect(text).toMatch(/│ 1 │ Create\s*│ 012A\s*│ Rusty Handlebar\s*│ 201 Created\s*│ 10\.48 │/);
    expect(text).not.toContain(ESC);
  });

  it("shows a failed create's item from the operation that was sent", () => {
    const text = formatOutcomeText(rolledBack);
    expect(text).toMatch(/│ 0 │ Create\s*│ 012B\s*│ Flickering Strobe Light\s*│ 424 Failed Dependency\s*│\s*0\.00 │/);
    expect(text).toMatch(/│ 1 │ Create\s*│ 012C\s*│ New Helmet\s*│ 400 Bad Request\s*│\s*1\.24 │/);
  });

  it("lists a rejected batch's operations as not run", () => {
    const text = formatOutcomeText(rejected);
    expect(text.split("\n")[0]).toMatch(/^Rejected: the service refused the whole request with 400 Bad Request/);
    expect(text).toMatch(/│ 1 │ Delete\s*│ 012A\s*│\s*│ not run\s*│\s*│/);
  });

  it("prints only the summary when there are no operations", () => {
    const empty = classifyBatchError(
      Object.assign(new Error("Batch request error: Batch request has no operations."), { cause: { code: 400 } }),
      [],
      category,
    )!;
    expect(formatOutcomeText(empty)).toBe(
      "Rejected: the service refused the whole request with 400 Bad Request, so no operation ran: Batch request has no operations.",
    );
  });

  it("colours on request: green success, red failure, yellow 424, and the same text underneath", () => {
    const coloured = formatOutcomeText(rolledBack, { color: true });
    expect(coloured).toContain(`${ESC}33m424 Failed Dependency`);
    const boldRed = [`${ESC}1m${ESC}31m400 Bad Request`, `${ESC}31m${ESC}1m400 Bad Request`];
    expect(boldRed.some((styled) => coloured.includes(styled))).toBe(true);
    expect(formatOutcomeText(committed, { color: true })).toContain(`${ESC}32m201 Created`);
    expect(stripVTControlCharacters(coloured)).toBe(formatOutcomeText(rolledBack));
  });
});

describe("formatOutcomeHtml", () => {
  it("is one table with inline styles: green rows, a red failing row, an amber 424 row", () => {
    const html = formatOutcomeHtml(rolledBack);
    expect(html).not.toMatch(/<link|<style|class=/);
    expect(html).toContain(
      '<strong style="color:#b3261e">Rolled back:</strong> operation #1 (Create 012C) failed with 400 Bad Request',
    );
    expect(html).toContain('<tr style="background:#fff4e5;color:#7a4d00">');
    expect(html).toContain('<tr style="background:#fce8e6;color:#8a1c1c;font-weight:bold">');
    expect(html).toMatch(/<td[^>]*>012C<\/td><td[^>]*>New Helmet<\/td><td[^>]*>400 Bad Request<\/td>/);
    expect(formatOutcomeHtml(committed)).toContain('<tr style="background:#e6f4ea;color:#1e4620">');
  });

  it("escapes every value", () => {
    const hostile = classifyBatchResponse(
      { code: 200, result: [{ statusCode: 201, requestCharge: 1 }] },
      [create({ id: "<b>1</b>", name: `"Tom" & 'Jerry' <script>` })],
      category,
    );
    const html = formatOutcomeHtml(hostile);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&#60;b&#62;1&#60;/b&#62;");
    expect(html).toContain("&#34;Tom&#34; &#38; &#39;Jerry&#39; &#60;script&#62;");
    expect(escapeHtml(`<>&"'`)).toBe("&#60;&#62;&#38;&#34;&#39;");
  });
});

describe("item lists", () => {
  const items = [
    { ...saddle, _rid: "r1", _etag: '"1"', _ts: 1 },
    { ...handlebar, price: 12.5, tags: ["old"], discontinued: null },
  ];

  it("choose columns in first-seen order, without system properties", () => {
    expect(itemColumns(items)).toEqual(["id", "name", "categoryId", "price", "tags", "discontinued"]);
  });

  it("print a count and a table, JSON for non-strings, empty for missing values", () => {
    const text = formatItemsText(items);
    expect(text.split("\n")[0]).toBe("2 items.");
    expect(text).toMatch(/│ 0120\s*│ Worn Saddle\s*│ 9603ca6c-9e28-4a02-9194-51cdb7fea816 │\s*│\s*│\s*│/);
    expect(text).toMatch(
      /│ 012A\s*│ Rusty Handlebar\s*│ 9603ca6c-9e28-4a02-9194-51cdb7fea816 │ 12\.5\s*│ \["old"\]\s*│ null\s*│/,
    );
    expect(text).not.toContain("_rid");
  });

  it("show only the requested columns", () => {
    const text = formatItemsText(items, ["id", "name"]);
    expect(text).toContain("Rusty Handlebar");
    expect(text).not.toContain("9603ca6c");
  });

  it("say so when the list is empty (the proof that a rolled-back batch wrote nothing)", () => {
    expect(formatItemsText([])).toBe("No items.");
    expect(formatItemsText([saddle])).toMatch(/^1 item\.\n/);
    expect(formatItemsHtml([])).toBe('<div><p style="margin:0 0 6px 0">No items.</p></div>');
  });

  it("render as an escaped HTML table", () => {
    const html = formatItemsHtml([{ id: "1", name: "<i>x</i>" }], ["id", "name"]);
    expect(html).toContain("<th");
    expect(html).toContain(
      '<td style="border:1px solid #c4c7c5;padding:3px 8px;text-align:left">&#60;i&#62;x&#60;/i&#62;</td>',
    );
  });
});
