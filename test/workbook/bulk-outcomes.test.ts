/**
 * Bulk as the counterpart of a transactional batch: classification of executeBulkOperations'
 * results, the side-by-side comparison, then the same failing input through both paths with the
 * real SDK against the embedded emulator, where only bulk keeps the good operations.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulkOperationResult, OperationInput } from "@azure/cosmos";
import {
  classifyBatchResponse,
  create,
  read,
  readPartition,
  remove,
  runBatch,
  upsert,
} from "../../src/workbook/batch-outcomes";
import { bulkSummary, classifyBulkResults, compareBatchWithBulk, runBulk } from "../../src/workbook/bulk-outcomes";
import { bikeParts, newShopItems, resetPartition, shopStock, stockedItems } from "../../src/workbook/deep-dive-data";
import { startDeepDive, type DeepDiveFixture } from "./deep-dive-fixture";

const { light, saddle } = newShopItems;
const { bell } = stockedItems;

function succeeded(operationInput: OperationInput, statusCode: number, requestCharge: number): BulkOperationResult {
  return { operationInput, response: { statusCode, requestCharge, diagnostics: {} as never } };
}

function failed(
  operationInput: OperationInput,
  code: unknown,
  extra: Record<string, unknown> = {},
): BulkOperationResult {
  return {
    operationInput,
    error: Object.assign(new Error(String(extra.message ?? "")), { code, ...extra }) as never,
  };
}

describe("classifyBulkResults", () => {
  const operations = [create(light), create(bell), read("bell")];

  it("gives each operation its own status and charge, in input order", () => {
    const outcome = classifyBulkResults(
      [
        succeeded(operations[0]!, 201, 6.21),
        failed(operations[1]!, 409, { requestCharge: 1, substatus: 0, message: "Conflict" }),
        succeeded(operations[2]!, 200, 1),
      ],
      operations,
      bikeParts,
    );
    expect(outcome).toMatchObject({
      kind: "bulk",
      partitionKey: bikeParts,
      succeeded: 2,
      failed: 1,
      requestCharge: 8.21,
    });
    expect(outcome.operations.map((o) => [o.index, o.operationType, o.id, o.statusCode, o.requestCharge])).toEqual([
      [0, "Create", "light", 201, 6.21],
      [1, "Create", "bell", 409, 1],
      [2, "Read", "bell", 200, 1],
    ]);
    expect(outcome.operations[1]).toMatchObject({ message: "Conflict" });
    expect(outcome.operations[1]).not.toHaveProperty("subStatusCode");
  });

  it("keeps a sub-status, and reads the SDK's own refusals (code 500) and missing results as failures", () => {
    const outcome = classifyBulkResults(
      [failed(operations[0]!, 400, { substatus: 1001 }), failed(operations[1]!, "not a number")],
      operations,
      bikeParts,
    );
    expect(outcome.operations.map((o) => [o.statusCode, o.subStatusCode])).toEqual([
      [400, 1001],
      [500, undefined],
      [500, undefined],
    ]);
    expect(outcome.failed).toBe(3);
  });

  it("summarizes what stayed applied", () => {
    const mixed = classifyBulkResults(
      [succeeded(operations[0]!, 201, 6), failed(operations[1]!, 409), succeeded(operations[2]!, 200, 1)],
      operations,
      bikeParts,
    );
    expect(bulkSummary(mixed)).toEqual({
      verdict: "Partly applied",
      detail: "2 of 3 operations succeeded and stay applied; 1 failed (#1 409 Conflict) without undoing the others.",
    });
    const clean = classifyBulkResults([succeeded(operations[0]!, 201, 6)], [operations[0]!], bikeParts);
    expect(bulkSummary(clean)).toEqual({
      verdict: "All applied",
      detail: "all 1 operations succeeded, each on its own.",
    });
  });
});

describe("compareBatchWithBulk", () => {
  const operations = [create(light), create(bell), create(saddle)];
  const batch = classifyBatchResponse(
    {
      code: 207,
      result: [
        { statusCode: 424, requestCharge: 0 },
        { statusCode: 409, requestCharge: 1 },
        { statusCode: 424, requestCharge: 0 },
      ],
    },
    operations,
    bikeParts,
  );
  const bulk = classifyBulkResults(
    [succeeded(operations[0]!, 201, 6), failed(operations[1]!, 409), succeeded(operations[2]!, 201, 6)],
    operations,
    bikeParts,
  );

  it("puts each path's status on the operation's row under one line per path", () => {
    const { text } = compareBatchWithBulk(batch, bulk);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(
      /^Transactional batch — Rolled back: operation #1 \(Create bell\) failed with 409 Conflict, so nothing was written/,
    );
    expect(lines[1]).toBe(
      "Bulk — Partly applied: 2 of 3 operations succeeded and stay applied; 1 failed (#1 409 Conflict) without undoing the others.",
    );
    expect(text).toMatch(/│ 0 │ Create\s+│ light\s+│ 424 Failed Dependency\s+│ 201 Created\s+│/);
    expect(text).toMatch(/│ 1 │ Create\s+│ bell\s+│ 409 Conflict\s+│ 409 Conflict\s+│/);
  });

  it("colours the HTML cells by status", () => {
    const { html } = compareBatchWithBulk(batch, bulk);
    expect(html).toMatch(/background:#fff4e5;color:#7a4d00">424 Failed Dependency</);
    expect(html).toMatch(/background:#e6f4ea;color:#1e4620">201 Created</);
    expect(html).toMatch(/background:#fce8e6;color:#8a1c1c;font-weight:bold">409 Conflict</);
  });
});

describe("batch against bulk with the real SDK and the embedded emulator", () => {
  let deepDive: DeepDiveFixture;

  beforeAll(async () => {
    deepDive = await startDeepDive();
  });

  afterAll(async () => {
    await deepDive?.close();
  });

  const sameInput = () => [create(light), create(bell), create(saddle)];

  it("batch: a create of an existing id rolls the whole batch back; nothing is written", async () => {
    const before = await resetPartition(deepDive.container, bikeParts, shopStock);
    const outcome = await runBatch(deepDive.container, bikeParts, sameInput());
    expect(outcome.kind).toBe("rolled-back");
    expect(outcome.operations.map((o) => ("statusCode" in o ? o.statusCode : undefined))).toEqual([424, 409, 424]);
    expect(await readPartition(deepDive.container, bikeParts)).toEqual(before);
  });

  it("bulk: the same input writes the good operations and fails only the bad one", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const outcome = await runBulk(deepDive.container, bikeParts, sameInput());
    expect(outcome.operations.map((o) => o.statusCode)).toEqual([201, 409, 201]);
    expect(outcome).toMatchObject({ succeeded: 2, failed: 1 });
    expect(outcome.requestCharge).toBeGreaterThan(0);
    const ids = (await readPartition(deepDive.container, bikeParts)).map((item) => item.id);
    expect(ids).toEqual(["bell", "light", "lock", "pump", "saddle", "tyre"]);
  });

  it("bulk: runs reads, upserts and deletes, each with its own status, and leaves the caller's operations as they were", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const operations = [read("bell"), upsert({ ...bell, quantity: 9 }), remove("missing"), remove("pump")];
    const copy = structuredClone(operations);
    const outcome = await runBulk(deepDive.container, bikeParts, operations);
    expect(outcome.operations.map((o) => o.statusCode)).toEqual([200, 200, 404, 204]);
    expect(operations).toEqual(copy);
    const stored = await readPartition(deepDive.container, bikeParts);
    expect(stored.map((item) => item.id)).toEqual(["bell", "lock", "tyre"]);
    expect(stored[0]).toMatchObject({ quantity: 9 });
  });
});
