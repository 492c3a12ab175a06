/**
 * Classification of what `container.items.batch` returns or throws, from values shaped exactly as
 * @azure/cosmos 4.9 / 4.10 produce them (see docs/batch-contract.md §4), then the same code with
 * the real SDK over HTTPS against the embedded emulator: the lab's two batches, every operation type,
 * and the whole-request rejections.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Container, OperationInput } from "@azure/cosmos";
import { closeConnections, connect, prepareContainer } from "../../src/workbook/client";
import { loadConfig } from "../../src/workbook/config";
import {
  classifyBatchError,
  classifyBatchResponse,
  create,
  deleteItem,
  patch,
  read,
  readPartition,
  recoverStatus,
  remove,
  removeItems,
  replace,
  runBatch,
  serviceMessage,
  summarize,
  upsert,
  type BatchOutcome,
  type OperationOutcome,
} from "../../src/workbook/batch-outcomes";
import {
  labProductIds,
  labProducts,
  pristineAccessories,
  usedAccessories as category,
} from "../../src/workbook/lab-products";

const { saddle, handlebar, light, helmet } = labProducts;

describe("operation builders", () => {
  it("build the SDK's OperationInput for each of the six types", () => {
    expect(create(saddle)).toEqual({ operationType: "Create", resourceBody: saddle });
    expect(upsert(saddle, { ifMatch: '"etag"' })).toEqual({
      operationType: "Upsert",
      resourceBody: saddle,
      ifMatch: '"etag"',
    });
    expect(read("0120")).toEqual({ operationType: "Read", id: "0120" });
    expect(replace("0120", { name: "Fixed", categoryId: category })).toEqual({
      operationType: "Replace",
      id: "0120",
      resourceBody: { id: "0120", name: "Fixed", categoryId: category },
    });
    expect(remove("0120")).toEqual({ operationType: "Delete", id: "0120" });
    expect(deleteItem).toBe(remove);
    expect(
      patch("0120", [{ op: "set", path: "/name", value: "Good Saddle" }], { condition: "from c where c.price > 0" }),
    ).toEqual({
      operationType: "Patch",
      id: "0120",
      resourceBody: {
        operations: [{ op: "set", path: "/name", value: "Good Saddle" }],
        condition: "from c where c.price > 0",
      },
    });
  });

  it("carry ifNoneMatch and an operation-level partition key only when given", () => {
    expect(create(light, { ifNoneMatch: "*", partitionKey: category })).toEqual({
      operationType: "Create",
      resourceBody: light,
      ifNoneMatch: "*",
      partitionKey: category,
    });
    expect(Object.keys(patch("1", []))).toEqual(["operationType", "id", "resourceBody"]);
  });

  it("copy the item, so editing it later does not change the operation", () => {
    const item = { id: "x", name: "before", categoryId: category };
    const operation = create(item);
    item.name = "after";
    expect(operation.resourceBody.name).toBe("before");
  });

  it("summarize an operation by index, type and item id", () => {
    expect(summarize(create(helmet), 1)).toMatchObject({ index: 1, operationType: "Create", id: "012C" });
    expect(summarize(remove("012A"), 0)).toMatchObject({ index: 0, operationType: "Delete", id: "012A" });
    expect(summarize(create({ name: "no id" }), 2)).not.toHaveProperty("id");
  });
});

const labBatch: OperationInput[] = [create(light), create(helmet)];

describe("classifyBatchResponse", () => {
  it("calls an all-2xx response committed, with the header's RU and activity id", () => {
    const outcome = classifyBatchResponse(
      {
        code: 200,
        headers: { "x-ms-request-charge": "20.1", "x-ms-activity-id": "abc" },
        result: [
          { statusCode: 201, requestCharge: 10, eTag: '"1"', resourceBody: { ...saddle, _etag: '"1"' } },
          { statusCode: 201, requestCharge: 10.1, eTag: '"2"', resourceBody: { ...handlebar } },
        ],
      },
      [create(saddle), create(handlebar)],
      category,
    );
    expect(outcome).toMatchObject({
      kind: "committed",
      statusCode: 200,
      requestCharge: 20.1,
      activityId: "abc",
      partitionKey: category,
    });
    expect(outcome.operations.map((o) => [o.index, o.id, o.statusCode, o.eTag])).toEqual([
      [0, "0120", 201, '"1"'],
      [1, "012A", 201, '"2"'],
    ]);
  });

  it("points a 207 at the first operation that is neither 2xx nor 424, as Python's error_index", () => {
    const outcome = classifyBatchResponse(
      {
        code: 207,
        headers: { "x-ms-request-charge": "1.5" },
        result: [
          { statusCode: 424, requestCharge: 0 },
          { statusCode: 400, requestCharge: 1.5, subStatusCode: 1001 } as never,
        ],
      },
      labBatch,
      category,
    );
    expect(outcome.kind).toBe("rolled-back");
    if (outcome.kind !== "rolled-back") return;
    expect(outcome.failedIndex).toBe(1);
    expect(outcome.failed).toMatchObject({
      index: 1,
      id: "012C",
      statusCode: 400,
      subStatusCode: 1001,
      operationType: "Create",
    });
    expect(outcome.failed.input).toEqual(create(helmet));
    expect(outcome.operations.map((o) => o.statusCode)).toEqual([424, 400]);
  });

  it("finds a failure before later 424s, and falls back to the first non-2xx when all are 424", () => {
    const statuses = (codes: number[]) =>
      classifyBatchResponse(
        { code: 207, result: codes.map((statusCode) => ({ statusCode, requestCharge: 1 })) },
        [],
        category,
      );
    expect(statuses([409, 424, 424])).toMatchObject({ kind: "rolled-back", failedIndex: 0 });
    expect(statuses([424, 424, 404])).toMatchObject({ kind: "rolled-back", failedIndex: 2 });
    expect(statuses([424, 424])).toMatchObject({ kind: "rolled-back", failedIndex: 0 });
  });

  it("sums the operations' RU when the header is absent, and takes the id from the body for a create without one", () => {
    const outcome = classifyBatchResponse(
      {
        code: 200,
        result: [
          { statusCode: 201, requestCharge: 2, resourceBody: { id: "generated" } },
          { statusCode: 200, requestCharge: 1 },
        ],
      },
      [create({ name: "anonymous" }), read("x")],
      category,
    );
    expect(outcome.requestCharge).toBe(3);
    expect(outcome.operations[0]?.id).toBe("generated");
    expect(outcome.operations[1]?.id).toBe("x");
  });
});

/** What @azure/cosmos 4.9.3 throws for a whole-request 400: only a message, plus its diagnostics. */
function sdk49WholeRequestError(status: number, substatus?: number): Error {
  const error = new Error("Batch request error: Batch request has no operations.");
  Object.assign(error, {
    diagnostics: {
      clientSideRequestStatistics: {
        gatewayStatistics: [
          { operationType: "read", resourceType: "container", statusCode: 200 },
          {
            operationType: "batch",
            resourceType: "item",
            statusCode: status,
            subStatusCode: substatus,
            activityId: "act-1",
          },
        ],
      },
    },
  });
  return error;
}

describe("classifyBatchError", () => {
  it("recovers the status of a whole-request error from 4.9's diagnostics", () => {
    const rejected = classifyBatchError(sdk49WholeRequestError(400), [], category);
    expect(rejected).toEqual({
      kind: "rejected",
      partitionKey: category,
      statusCode: 400,
      activityId: "act-1",
      message: "Batch request has no operations.",
      operations: [],
      requestCharge: 0,
    });
  });

  it("prefers 4.10's cause (code and substatus)", () => {
    const error = new Error("Batch request error: too large", {
      cause: Object.assign(new Error("too large"), { code: 413, substatus: 7 }),
    });
    expect(recoverStatus(error)).toEqual({ statusCode: 413, subStatusCode: 7 });
  });

  it("treats the SDK's refusal of more than 100 operations as rejected with no status", () => {
    const operations = Array.from({ length: 101 }, (_, i) => read(String(i)));
    const error = new Error("Cannot run batch request with more than 100 operations per partition");
    const rejected = classifyBatchError(error, operations, category);
    expect(rejected).toMatchObject({ kind: "rejected", message: error.message, requestCharge: 0 });
    expect(rejected).not.toHaveProperty("statusCode");
    expect(rejected?.operations).toHaveLength(101);
    expect(rejected?.operations[100]).toMatchObject({ index: 100, operationType: "Read", id: "100" });
  });

  it("leaves errors without a status (network, TLS, programming) to be rethrown", () => {
    expect(
      classifyBatchError(new Error("Batch request error: connect ECONNREFUSED 127.0.0.1:1"), labBatch, category),
    ).toBeUndefined();
    expect(classifyBatchError("not an error", labBatch, category)).toBeUndefined();
  });
});

describe("serviceMessage", () => {
  it("extracts the gateway's Errors and drops its trailer and the SDK's prefix", () => {
    const azure =
      'Batch request error: Message: {"Errors":["One or more operations within the batch request have a different partition key value than the request."]}\r\nActivityId: 1, Request URI: /apps/x, RequestStats: , SDK: Microsoft.Azure.Documents.Common/2.14.0';
    expect(serviceMessage(azure)).toBe(
      "One or more operations within the batch request have a different partition key value than the request.",
    );
  });

  it("keeps a plain sentence as it is", () => {
    expect(serviceMessage("Batch request error: Batch request has no operations.")).toBe(
      "Batch request has no operations.",
    );
    expect(serviceMessage("first line\nsecond line")).toBe("first line");
  });
});

/** The per-operation results of a batch that ran (committed or rolled back). */
function ran(outcome: BatchOutcome): OperationOutcome[] {
  if (outcome.kind === "rejected")
    throw new Error(`expected the batch to run, but it was rejected: ${outcome.message}`);
  return outcome.operations;
}

describe("runBatch against the embedded emulator (real SDK over HTTPS)", () => {
  let container: Container;

  beforeAll(async () => {
    ({ container } = await prepareContainer(await connect(loadConfig({ env: {}, envFile: false }))));
  });

  beforeEach(async () => {
    await removeItems(container, category, labProductIds);
    await removeItems(container, pristineAccessories, labProductIds);
  });

  afterAll(async () => {
    await closeConnections();
  });

  it("commits the lab's first batch: both creates 201, both items stored", async () => {
    const outcome = await runBatch(container, category, [create(saddle), create(handlebar)]);
    expect(outcome.kind).toBe("committed");
    expect(outcome).toMatchObject({ statusCode: 200 });
    expect(ran(outcome).map((o) => [o.id, o.statusCode])).toEqual([
      ["0120", 201],
      ["012A", 201],
    ]);
    expect(ran(outcome)[0]?.resourceBody).toMatchObject({ ...saddle, _etag: expect.any(String) });
    expect(outcome.requestCharge).toBeGreaterThan(0);
    expect((await readPartition(container, category)).map((item) => item.id)).toEqual(["0120", "012A"]);
  });

  it("rolls back the lab's errant batch at operation 1 (400), with 424 before it, and writes nothing", async () => {
    const outcome = await runBatch(container, category, [create(light), create(helmet)]);
    expect(outcome.kind).toBe("rolled-back");
    if (outcome.kind !== "rolled-back") return;
    expect(outcome.statusCode).toBe(207);
    expect(outcome.failedIndex).toBe(1);
    expect(outcome.failed).toMatchObject({ id: "012C", statusCode: 400, operationType: "Create" });
    expect(outcome.operations.map((o) => o.statusCode)).toEqual([424, 400]);
    expect(await readPartition(container, category)).toEqual([]);
    expect(await readPartition(container, pristineAccessories)).toEqual([]);
  });

  it("runs every operation type in one batch, in order", async () => {
    await runBatch(container, category, [create(saddle)]);
    const { resource: stored } = await container.item("0120", category).read();
    const outcome = await runBatch(container, category, [
      upsert(handlebar),
      read("0120"),
      replace("0120", { ...saddle, name: "Restored Saddle" }, { ifMatch: stored?._etag }),
      patch("012A", [{ op: "set", path: "/name", value: "Polished Handlebar" }]),
      create(light),
      remove("012B"),
    ]);
    expect(outcome.kind).toBe("committed");
    expect(ran(outcome).map((o) => o.statusCode)).toEqual([201, 200, 200, 200, 201, 204]);
    const names = (await readPartition(container, category)).map((item) => [item.id, item.name]);
    expect(names).toEqual([
      ["0120", "Restored Saddle"],
      ["012A", "Polished Handlebar"],
    ]);
  });

  it("rolls back on a stale ifMatch (412) and on creating an existing id (409)", async () => {
    await runBatch(container, category, [create(saddle)]);
    const stale = await runBatch(container, category, [create(light), replace("0120", saddle, { ifMatch: '"stale"' })]);
    expect(stale).toMatchObject({ kind: "rolled-back", failedIndex: 1, failed: { statusCode: 412 } });
    const duplicate = await runBatch(container, category, [create(light), create(saddle)]);
    expect(duplicate).toMatchObject({ kind: "rolled-back", failedIndex: 1, failed: { statusCode: 409 } });
    expect((await readPartition(container, category)).map((item) => item.id)).toEqual(["0120"]);
  });

  it("leaves the caller's operations untouched, so the same array can run again", async () => {
    const operations = [create(light, { partitionKey: category })];
    const snapshot = structuredClone(operations);
    expect((await runBatch(container, category, operations)).kind).toBe("committed");
    expect(operations).toEqual(snapshot);
    expect(await runBatch(container, category, operations)).toMatchObject({
      kind: "rolled-back",
      failed: { statusCode: 409 },
    });
  });

  it("rejects an empty batch as a whole request with 400, recovered from the SDK's error", async () => {
    const outcome = await runBatch(container, category, []);
    expect(outcome).toMatchObject({ kind: "rejected", statusCode: 400, requestCharge: 0, operations: [] });
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/no operations/i);
  });

  it("rejects an operation whose own partition key differs from the batch's with 400", async () => {
    const outcome = await runBatch(container, category, [
      create(light),
      create(helmet, { partitionKey: pristineAccessories }),
    ]);
    expect(outcome).toMatchObject({ kind: "rejected", statusCode: 400 });
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/different partition key/i);
    expect(outcome.operations.map((o) => o.id)).toEqual(["012B", "012C"]);
    expect(await readPartition(container, category)).toEqual([]);
  });

  it("rejects more than 100 operations before sending, with no status", async () => {
    const operations = Array.from({ length: 101 }, (_, i) => create({ id: `bulk-${i}`, categoryId: category }));
    const outcome = await runBatch(container, category, operations);
    expect(outcome.kind).toBe("rejected");
    expect(outcome).not.toHaveProperty("statusCode");
    expect(outcome.kind === "rejected" && outcome.message).toMatch(/more than 100 operations/);
  });

  it("removeItems deletes what exists, ignores what does not, and says how many", async () => {
    await runBatch(container, category, [create(saddle), create(handlebar)]);
    expect(await removeItems(container, category, ["0120", "012A", "missing"])).toBe(2);
    expect(await removeItems(container, category, ["0120"])).toBe(0);
    expect(await readPartition(container, category)).toEqual([]);
  });
});
