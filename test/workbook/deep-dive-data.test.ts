/**
 * Every case the deep-dive notebook teaches, with the real @azure/cosmos client over HTTPS against
 * the embedded emulator, checked against docs/batch-contract.md: the statuses the notebook tells
 * learners to expect must be the ones they get, and a failed batch must leave its partition as it
 * was. Also the deep-dive containers and the clean slates that make the notebook's cells re-runnable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OperationInput, PartitionKey } from "@azure/cosmos";
import {
  create,
  patch,
  read,
  readPartition,
  remove,
  replace,
  runBatch,
  upsert,
  type BatchOutcome,
} from "../../src/workbook/batch-outcomes";
import {
  bikeParts,
  currentETag,
  deepDiveContainerId,
  hierarchicalContainerId,
  newShopItems,
  order,
  prepareDeepDiveContainers,
  resetPartition,
  shopStock,
  stockedItems,
  userPartition,
} from "../../src/workbook/deep-dive-data";
import { MAX_BATCH_REQUEST_BYTES, batchRequestBytes, itemOfSize, numberedCreates } from "../../src/workbook/limits";
import { chargeBreakdown } from "../../src/workbook/format";
import { startDeepDive, type DeepDiveFixture } from "./deep-dive-fixture";
import { loadConfig } from "../../src/workbook/config";

const { bell, lock, pump, tyre } = stockedItems;
const { light, saddle } = newShopItems;
const sellOne = [{ op: "incr" as const, path: "/quantity", value: -1 }];
const inStock = "from c where c.quantity > 0";

let deepDive: DeepDiveFixture;

beforeAll(async () => {
  deepDive = await startDeepDive();
});

afterAll(async () => {
  await deepDive?.close();
});

function statuses(outcome: BatchOutcome): Array<number | undefined> {
  return outcome.operations.map((operation) => ("statusCode" in operation ? operation.statusCode : undefined));
}

async function expectUnchanged(
  partitionKey: PartitionKey,
  before: unknown[],
  container = deepDive.container,
): Promise<void> {
  expect(await readPartition(container, partitionKey)).toEqual(before);
}

describe("the deep-dive containers", () => {
  it("are created with their partition keys, and preparing again changes nothing", async () => {
    const { resource: flat } = await deepDive.container.read();
    const { resource: nested } = await deepDive.hierarchical.read();
    expect(deepDive.container.id).toBe(deepDiveContainerId);
    expect(flat?.partitionKey?.paths).toEqual(["/categoryId"]);
    expect(deepDive.hierarchical.id).toBe(hierarchicalContainerId);
    expect(nested?.partitionKey).toMatchObject({ paths: ["/tenantId", "/userId"], kind: "MultiHash", version: 2 });
    const again = await prepareDeepDiveContainers({
      client: deepDive.client,
      config: loadConfig({ env: {}, envFile: false }),
    });
    expect(again.container.id).toBe(deepDiveContainerId);
  });

  it("refuse an existing container with another partition key, naming it", async () => {
    const config = { ...loadConfig({ env: {}, envFile: false }), databaseId: "wrong-keys" };
    const { database } = await deepDive.client.databases.createIfNotExists({ id: config.databaseId });
    await database.containers.createIfNotExists({
      id: deepDiveContainerId,
      partitionKey: { paths: ["/somethingElse"] },
    });
    await expect(prepareDeepDiveContainers({ client: deepDive.client, config })).rejects.toThrow(
      `The container "batch-deep-dive" already exists with partition key /somethingElse, not /categoryId`,
    );
  });
});

describe("resetPartition and currentETag", () => {
  it("empty a partition, write the starting items, and return them in id order", async () => {
    await deepDive.container.items.create({ ...light });
    const stored = await resetPartition(deepDive.container, bikeParts, shopStock);
    expect(stored.map((item) => item.id)).toEqual(["bell", "lock", "pump", "tyre"]);
    expect(stored[0]).toMatchObject(bell);
    expect(await resetPartition(deepDive.container, bikeParts, [])).toEqual([]);
  });

  it("leave other partitions alone", async () => {
    await resetPartition(deepDive.container, "elsewhere", [{ ...bell, categoryId: "elsewhere" }]);
    await resetPartition(deepDive.container, bikeParts, []);
    expect(await readPartition(deepDive.container, "elsewhere")).toHaveLength(1);
  });

  it("read the stored ETag, which changes on every write, and fail clearly for a missing item", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const first = await currentETag(deepDive.container, lock.id, bikeParts);
    await deepDive.container.item(lock.id, bikeParts).replace({ ...lock, quantity: 1 });
    const second = await currentETag(deepDive.container, lock.id, bikeParts);
    expect(first).not.toBe(second);
    await expect(currentETag(deepDive.container, "nothing", bikeParts)).rejects.toThrow(
      `Item "nothing" does not exist in partition ${JSON.stringify(bikeParts)}.`,
    );
  });
});

describe("section 1: six operation types in one batch", () => {
  const sixOperations: OperationInput[] = [
    create(light),
    upsert(saddle),
    read(bell.id),
    replace(lock.id, { ...lock, price: 31 }),
    remove(pump.id),
    patch(tyre.id, [{ op: "incr", path: "/quantity", value: 6 }]),
  ];

  it("commits with 201, 201, 200, 200, 204, 200 and applies every write", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const outcome = await runBatch(deepDive.container, bikeParts, sixOperations);
    expect(outcome.kind).toBe("committed");
    expect(outcome.statusCode).toBe(200);
    expect(statuses(outcome)).toEqual([201, 201, 200, 200, 204, 200]);
    const after = await readPartition(deepDive.container, bikeParts);
    expect(after.map((item) => [item.id, item.quantity, item.price])).toEqual([
      ["bell", 4, 12],
      ["light", 3, 19],
      ["lock", 2, 31],
      ["saddle", 5, 42],
      ["tyre", 6, 30],
    ]);
  });

  it("returns each operation's charge, whose sum is the batch's x-ms-request-charge header", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const response = await deepDive.container.items.batch(structuredClone(sixOperations), bikeParts);
    const header = Number(response.headers["x-ms-request-charge"]);
    const sum = (response.result ?? []).reduce((total, result) => total + result.requestCharge, 0);
    expect(header).toBeGreaterThan(0);
    expect(Math.round(sum * 100) / 100).toBe(header);
    const read = response.result?.[2];
    expect(read?.requestCharge).toBeLessThan(response.result?.[0]?.requestCharge ?? 0);

    await resetPartition(deepDive.container, bikeParts, shopStock);
    expect(chargeBreakdown(await runBatch(deepDive.container, bikeParts, sixOperations)).equal).toBe(true);
  });

  it("sent again unchanged: the create fails with 409, everything else 424, nothing written; an upsert of an existing item is 200", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    await runBatch(deepDive.container, bikeParts, sixOperations);
    const before = await readPartition(deepDive.container, bikeParts);
    const again = await runBatch(deepDive.container, bikeParts, sixOperations);
    expect(again).toMatchObject({ kind: "rolled-back", statusCode: 207, failedIndex: 0 });
    expect(statuses(again)).toEqual([409, 424, 424, 424, 424, 424]);
    await expectUnchanged(bikeParts, before);

    const upserted = await runBatch(deepDive.container, bikeParts, [upsert(saddle)]);
    expect(statuses(upserted)).toEqual([200]);
  });
});

describe("section 2: optimistic concurrency", () => {
  async function etagAfterAnotherWriter(): Promise<string> {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const stale = await currentETag(deepDive.container, lock.id, bikeParts);
    await deepDive.container.item(lock.id, bikeParts).replace({ ...lock, quantity: lock.quantity - 1 });
    return stale;
  }

  it("a replace with a stale ifMatch fails with 412, the patch before it reports 424, and nothing is written", async () => {
    const stale = await etagAfterAnotherWriter();
    const before = await readPartition(deepDive.container, bikeParts);
    const outcome = await runBatch(deepDive.container, bikeParts, [
      patch(bell.id, sellOne),
      replace(lock.id, { ...lock, price: 30 }, { ifMatch: stale }),
    ]);
    expect(outcome).toMatchObject({ kind: "rolled-back", statusCode: 207, failedIndex: 1 });
    expect(statuses(outcome)).toEqual([424, 412]);
    await expectUnchanged(bikeParts, before);
  });

  it("with the current ETag both commit", async () => {
    await etagAfterAnotherWriter();
    const fresh = await currentETag(deepDive.container, lock.id, bikeParts);
    const outcome = await runBatch(deepDive.container, bikeParts, [
      patch(bell.id, sellOne),
      replace(lock.id, { ...lock, quantity: lock.quantity - 1, price: 30 }, { ifMatch: fresh }),
    ]);
    expect(statuses(outcome)).toEqual([200, 200]);
    const after = await readPartition(deepDive.container, bikeParts);
    expect(after.find((item) => item.id === "bell")).toMatchObject({ quantity: 3 });
    expect(after.find((item) => item.id === "lock")).toMatchObject({ quantity: 1, price: 30 });
  });
});

describe("section 3: patch with a condition", () => {
  it("a false condition fails with 412 and rolls back the true one", async () => {
    const before = await resetPartition(deepDive.container, bikeParts, shopStock);
    const outcome = await runBatch(deepDive.container, bikeParts, [
      patch(bell.id, sellOne, { condition: inStock }),
      patch(tyre.id, sellOne, { condition: inStock }),
    ]);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedIndex: 1 });
    expect(statuses(outcome)).toEqual([424, 412]);
    await expectUnchanged(bikeParts, before);
  });

  it("a condition sees the writes of earlier operations in the same batch", async () => {
    await resetPartition(deepDive.container, bikeParts, shopStock);
    const outcome = await runBatch(deepDive.container, bikeParts, [
      patch(tyre.id, [{ op: "incr", path: "/quantity", value: 5 }]),
      patch(tyre.id, sellOne, { condition: inStock }),
    ]);
    expect(statuses(outcome)).toEqual([200, 200]);
    expect((await readPartition(deepDive.container, bikeParts)).find((item) => item.id === "tyre")).toMatchObject({
      quantity: 4,
    });
  });
});

describe("section 4: limits", () => {
  const limits = "limits";
  const boxes = { categoryId: limits, name: "Cardboard Box" };

  it("100 operations commit", async () => {
    await resetPartition(deepDive.container, limits, []);
    const outcome = await runBatch(deepDive.container, limits, numberedCreates(100, boxes, "box"));
    expect(outcome.kind).toBe("committed");
    expect(await readPartition(deepDive.container, limits)).toHaveLength(100);
  });

  it("101 operations are refused by the SDK before sending: rejected with no status, nothing written", async () => {
    await resetPartition(deepDive.container, limits, []);
    const outcome = await runBatch(deepDive.container, limits, numberedCreates(101, boxes, "box"));
    expect(outcome).toMatchObject({
      kind: "rejected",
      message: "Cannot run batch request with more than 100 operations per partition",
    });
    expect(outcome).not.toHaveProperty("statusCode");
    expect(await readPartition(deepDive.container, limits)).toEqual([]);
  });

  it("an empty batch is refused as a whole with 400", async () => {
    const outcome = await runBatch(deepDive.container, bikeParts, []);
    expect(outcome).toMatchObject({ kind: "rejected", statusCode: 400, message: "Batch request has no operations." });
  });

  it("a request body over 2,202,010 bytes is refused as a whole with 413; two of the same items commit", async () => {
    await resetPartition(deepDive.container, limits, []);
    const crates = ["crate-1", "crate-2", "crate-3"].map((id) =>
      create(itemOfSize(750_000, { id, categoryId: limits })),
    );
    expect(batchRequestBytes(crates)).toBeGreaterThan(MAX_BATCH_REQUEST_BYTES);
    const tooLarge = await runBatch(deepDive.container, limits, crates);
    expect(tooLarge).toMatchObject({ kind: "rejected", statusCode: 413 });
    expect(await readPartition(deepDive.container, limits)).toEqual([]);

    const two = await runBatch(deepDive.container, limits, crates.slice(0, 2));
    expect(statuses(two)).toEqual([201, 201]);
    await resetPartition(deepDive.container, limits, []);
  });
});

describe("section 5: one logical partition", () => {
  const alice = userPartition("contoso", "alice");
  const first = order("contoso", "alice", "order-1", "Brass Bell", 12);
  const second = order("contoso", "alice", "order-2", "D-Lock", 35);
  const bobs = order("contoso", "bob", "order-3", "Floor Pump", 28);

  it("an operation naming another partition key makes the whole request a 400", async () => {
    const before = await resetPartition(deepDive.container, bikeParts, shopStock);
    const bottle = { id: "bottle", name: "Water Bottle", categoryId: "drinkware" };
    const outcome = await runBatch(deepDive.container, bikeParts, [
      patch(bell.id, sellOne),
      create(bottle, { partitionKey: "drinkware" }),
    ]);
    expect(outcome).toMatchObject({ kind: "rejected", statusCode: 400 });
    if (outcome.kind === "rejected") expect(outcome.message).toMatch(/different partition key value than the request/);
    await expectUnchanged(bikeParts, before);
  });

  it("a hierarchical container takes the full [tenant, user] key", async () => {
    await resetPartition(deepDive.hierarchical, alice, [first]);
    const outcome = await runBatch(deepDive.hierarchical, alice, [
      create(second),
      patch(first.id, [{ op: "set", path: "/total", value: 10 }]),
    ]);
    expect(statuses(outcome)).toEqual([201, 200]);
    const stored = await readPartition(deepDive.hierarchical, alice);
    expect(stored.map((item) => [item.id, item.total])).toEqual([
      ["order-1", 10],
      ["order-2", 35],
    ]);
  });

  it("another user's order in the batch fails with 400, the others 424, and nothing is written", async () => {
    const before = await resetPartition(deepDive.hierarchical, alice, [first]);
    const outcome = await runBatch(deepDive.hierarchical, alice, [create(second), create(bobs)]);
    expect(outcome).toMatchObject({ kind: "rolled-back", failedIndex: 1 });
    expect(statuses(outcome)).toEqual([424, 400]);
    await expectUnchanged(alice, before, deepDive.hierarchical);
    expect(await readPartition(deepDive.hierarchical, userPartition("contoso", "bob"))).toEqual([]);
  });

  it("the tenant alone (a partial key) is refused as a whole with 400", async () => {
    const before = await resetPartition(deepDive.hierarchical, alice, [first]);
    const outcome = await runBatch(deepDive.hierarchical, ["contoso"], [create(second), create(bobs)]);
    expect(outcome).toMatchObject({ kind: "rejected", statusCode: 400 });
    await expectUnchanged(alice, before, deepDive.hierarchical);
  });
});
