/**
 * Inputs for the limits section: numbered creates, items of an exact size, and request sizes.
 * (The limits themselves are checked against the emulator in deep-dive-data.test.ts.)
 */
import { describe, expect, it } from "vitest";
import {
  MAX_BATCH_REQUEST_BYTES,
  MAX_OPERATIONS_PER_BATCH,
  batchRequestBytes,
  formatBytes,
  itemOfSize,
  jsonBytes,
  numberedCreates,
  numberedIds,
} from "../../src/workbook/limits";

describe("numberedCreates", () => {
  it("builds one create per item with zero-padded ids that sort in order", () => {
    const operations = numberedCreates(3, { categoryId: "c" }, "box");
    expect(operations).toEqual([
      { operationType: "Create", resourceBody: { categoryId: "c", id: "box-000" } },
      { operationType: "Create", resourceBody: { categoryId: "c", id: "box-001" } },
      { operationType: "Create", resourceBody: { categoryId: "c", id: "box-002" } },
    ]);
  });

  it("pads to the widest index, and its ids are what numberedIds lists", () => {
    const ids = numberedIds(1001, "n");
    expect(ids[0]).toBe("n-0000");
    expect(ids[1000]).toBe("n-1000");
    expect([...ids].sort()).toEqual(ids);
    expect(numberedCreates(MAX_OPERATIONS_PER_BATCH + 1, {})).toHaveLength(101);
    expect(numberedCreates(0, {})).toEqual([]);
  });

  it("refuses a count that is not a whole number", () => {
    expect(() => numberedCreates(-1, {})).toThrow(RangeError);
    expect(() => numberedCreates(2.5, {})).toThrow(/whole number/);
  });
});

describe("itemOfSize", () => {
  it("makes an item whose JSON is exactly the asked number of bytes", () => {
    for (const bytes of [100, 1024, 750_000]) {
      const item = itemOfSize(bytes, { id: "big", categoryId: "bike-parts" });
      expect(jsonBytes(item)).toBe(bytes);
      expect(item).toMatchObject({ id: "big", categoryId: "bike-parts" });
    }
  });

  it("refuses a size smaller than the fields themselves", () => {
    expect(() => itemOfSize(10, { id: "too-long-for-ten-bytes" })).toThrow(/at least \d+ bytes/);
  });
});

describe("request sizes", () => {
  it("measure the operations as UTF-8 JSON", () => {
    const operations = numberedCreates(2, { name: "é" });
    expect(batchRequestBytes(operations)).toBe(Buffer.byteLength(JSON.stringify(operations)));
    expect(jsonBytes({ name: "é" })).toBe(13);
  });

  it("put three 750 KB items over the limit although each is under it", () => {
    const items = [0, 1, 2].map((index) => itemOfSize(750_000, { id: `big-${index}` }));
    expect(items.every((item) => jsonBytes(item) < MAX_BATCH_REQUEST_BYTES)).toBe(true);
    expect(
      batchRequestBytes(items.map((item) => ({ operationType: "Create" as const, resourceBody: item }))),
    ).toBeGreaterThan(MAX_BATCH_REQUEST_BYTES);
  });

  it("formats byte counts the same way on every machine", () => {
    expect(formatBytes(2_202_010)).toBe("2,202,010 bytes");
  });
});
