/**
 * Each written item's JSON is made once and reused by its reply: whatever shape the reply has,
 * its text is exactly `JSON.stringify` of it, and a reply forgets the texts it used, so the next
 * reply makes them again from the item.
 */
import { describe, expect, it } from "vitest";
import { replyJson, serializedBytes, serializedItem, toJson } from "../../src/emulator/store/serialized-json";

const stampedItem = (id: string) => ({
  id,
  pk: "p",
  text: 'é "quoted" \\ \u0000 line\nbreak',
  nested: { list: [1, null, "two"] },
  _rid: "AbCdEKLMNOPAAAAAAAAAAA==",
  _self: "dbs/AbCdEA==/colls/AbCdEKLMNOP=/docs/AbCdEKLMNOPAAAAAAAAAAA==/",
  _etag: '"00000000-0000-0000-0000-000000000000"',
  _attachments: "attachments/",
  _ts: 1_700_000_000,
});

describe("the JSON of replies that carry written items", () => {
  it("is JSON.stringify's text for batch results, feed pages, nested arrays and members that JSON leaves out", () => {
    const items = [stampedItem("a"), stampedItem("b"), stampedItem("c")];
    for (const item of items) serializedItem(item);
    const replies: unknown[] = [
      items.map((item) => ({ statusCode: 201, requestCharge: 5.97, eTag: item._etag, resourceBody: item })),
      { _rid: "AbCdEKLMNOP=", Documents: items, _count: items.length },
      [[items[0]], { inner: { resourceBody: items[1] } }, undefined, () => 1],
      { skipped: undefined, also: () => 1, kept: items[2], when: new Date(0) },
      { withToJson: { toJSON: () => "custom" }, item: items[0] },
      [],
      {},
    ];
    for (const reply of replies) expect(toJson(reply)).toBe(JSON.stringify(reply));
    for (const reply of replies) expect(replyJson(reply)).toBe(JSON.stringify(reply));
  });

  it("gives an item's size in UTF-8 bytes, as its text measures", () => {
    const item = stampedItem("size");
    expect(serializedItem(item).bytes).toBe(Buffer.byteLength(JSON.stringify(item)));
    expect(serializedBytes(stampedItem("uncached"))).toBe(Buffer.byteLength(JSON.stringify(stampedItem("uncached"))));
  });

  it("reuses an item's text until a reply has used it, then makes it again", () => {
    const item = stampedItem("once");
    const made = serializedItem(item);
    expect(serializedItem(item)).toBe(made);
    const results = [{ statusCode: 201, resourceBody: item }];
    expect(replyJson(results)).toBe(JSON.stringify(results));
    expect(serializedItem(item)).not.toBe(made);
    expect(serializedItem(item).json).toBe(made.json);
  });

  it("is right for a reply that carries the same item twice (a create, then a read of it)", () => {
    const item = stampedItem("twice");
    serializedItem(item);
    const results = [
      { statusCode: 201, resourceBody: item },
      { statusCode: 200, resourceBody: item },
    ];
    expect(replyJson(results)).toBe(JSON.stringify(results));
  });
});
