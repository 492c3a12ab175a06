/**
 * Conformance: the scenarios of @azure/cosmos's own
 * `test/public/functional/item/bulk.item.spec.ts` (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos),
 * rewritten for the embedded emulator.
 */
import { randomUUID } from "node:crypto";
import {
  BulkOperationType,
  Constants,
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
  PatchOperationType,
  type BulkOptions,
  type Container,
  type ContainerRequest,
  type JSONObject,
  type OperationInput,
  type PartitionKey,
} from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { freshContainer, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

const newContainer = (name: string, request: Omit<ContainerRequest, "id"> = {}): Promise<Container> =>
  freshContainer(env.client, name, request);

/** A create whose JSON is about `size` bytes; `fields` go into the operation, `body` into the item. */
function createOfSize(size: number, fields: Partial<OperationInput> = {}, body: JSONObject = {}): OperationInput {
  const resourceBody = { id: randomUUID(), ...body, filler: "" };
  resourceBody.filler = "x".repeat(Math.max(0, size - JSON.stringify(resourceBody).length));
  return { operationType: BulkOperationType.Create, resourceBody, ...fields } as OperationInput;
}

const statuses = (response: Array<{ statusCode: number }>): number[] => response.map((r) => r.statusCode);
const half = Math.floor(Constants.DefaultMaxBulkRequestBodySizeInBytes / 2);

describe("bulk: size-based splitting of batches", () => {
  let container: Container;
  beforeAll(async () => {
    container = await newContainer("bulk container", {
      partitionKey: { paths: ["/key"], version: undefined },
      throughput: 400,
    });
  });

  it("all operations together below the threshold", async () => {
    const operations = Array.from({ length: 10 }, () =>
      createOfSize(100, { partitionKey: "key_value" }, { key: "key_value" }),
    );
    expect(statuses(await container.items.bulk(operations))).toEqual(Array(10).fill(201));
  });

  it("5x the threshold, items without a key (the none key)", async () => {
    const operations = Array.from({ length: 10 }, () => createOfSize(half, { partitionKey: {} as PartitionKey }));
    expect(statuses(await container.items.bulk(operations))).toEqual(Array(10).fill(201));
  });

  it("25x the threshold, key taken from the items", async () => {
    const operations = Array.from({ length: 50 }, () => createOfSize(half, {}, { key: "key_value" }));
    expect(statuses(await container.items.bulk(operations))).toEqual(Array(50).fill(201));
  });
});

describe("bulk: v1 multi-partition container", () => {
  let container: Container;
  let readItemId: string;
  let deleteItemId: string;
  let replaceItemId: string;
  beforeAll(async () => {
    container = await newContainer("bulk container", {
      partitionKey: { paths: ["/key"], version: undefined },
      throughput: 25100,
    });
    readItemId = uniqueId("item1");
    deleteItemId = uniqueId("item2");
    replaceItemId = uniqueId("item3");
    await container.items.create({ id: readItemId, key: "A", class: "2010" });
    await container.items.create({ id: deleteItemId, key: "A", class: "2010" });
    await container.items.create({ id: replaceItemId, key: 5, class: "2010" });
  });

  it("handles create, upsert, read, delete and replace", async () => {
    const response = await container.items.bulk([
      { operationType: BulkOperationType.Create, resourceBody: { id: uniqueId("doc1"), name: "sample", key: "A" } },
      {
        operationType: BulkOperationType.Upsert,
        partitionKey: "A",
        resourceBody: { id: uniqueId("doc2"), name: "other", key: "A" },
      },
      { operationType: BulkOperationType.Read, id: readItemId, partitionKey: "A" },
      { operationType: BulkOperationType.Delete, id: deleteItemId, partitionKey: "A" },
      {
        operationType: BulkOperationType.Replace,
        partitionKey: 5,
        id: replaceItemId,
        resourceBody: { id: replaceItemId, name: "nice", key: 5 },
      },
    ]);
    expect(statuses(response)).toEqual([201, 201, 200, 204, 200]);
    expect(response[0]?.resourceBody?.name).toBe("sample");
    expect(response[1]?.resourceBody?.name).toBe("other");
    expect(response[2]?.resourceBody?.class).toBe("2010");
    expect(response[4]?.resourceBody?.name).toBe("nice");
  });
});

describe("bulk: container with the default partition key", () => {
  let container: Container;
  let deleteItemId: string;
  let readItemId: string;
  beforeAll(async () => {
    container = await newContainer("bulk container");
    deleteItemId = uniqueId("item2");
    readItemId = uniqueId("item2");
    await container.items.create({ id: deleteItemId, key: "A", class: "2010" });
    await container.items.create({ id: readItemId, key: "B", class: "2010" });
  });

  it("deletes without a partition key", async () => {
    const response = await container.items.bulk([{ operationType: BulkOperationType.Delete, id: deleteItemId }]);
    expect(response[0]?.statusCode).toBe(204);
  });

  it("reads without a partition key", async () => {
    const response = await container.items.bulk([{ operationType: BulkOperationType.Read, id: readItemId }]);
    expect(response[0]?.statusCode).toBe(200);
    expect(response[0]?.resourceBody?.id).toBe(readItemId);
  });

  it("creates then reads without a partition key", async () => {
    const response = await container.items.bulk([
      { operationType: BulkOperationType.Create, resourceBody: { id: "testId", key: "B", class: "2010" } },
      { operationType: BulkOperationType.Read, id: "testId" },
    ]);
    expect(statuses(response)).toEqual([201, 200]);
    expect(response[0]?.resourceBody?.id).toBe("testId");
    expect(response[1]?.resourceBody?.id).toBe("testId");
  });
});

interface Expected {
  description: string;
  operation: OperationInput;
  status: number;
  properties?: Record<string, unknown>;
}

/** Creates the documents, runs the operations as one bulk call and checks each expected outcome. */
async function runBulk(
  containerRequest: Omit<ContainerRequest, "id">,
  documents: JSONObject[],
  expected: Expected[],
  options: BulkOptions,
): Promise<void> {
  const container = await newContainer("bulkTestDB", containerRequest);
  for (const doc of documents) await container.items.create(doc);
  const response = await container.items.bulk(
    expected.map((e) => e.operation),
    options,
  );
  expected.forEach(({ description, status, properties }, index) => {
    expect(response[index]?.statusCode, description).toBe(status);
    for (const [name, value] of Object.entries(properties ?? {}))
      expect(response[index]?.resourceBody?.[name], description).toBe(value);
  });
}

const op = (operationType: string, fields: Record<string, unknown>): OperationInput =>
  ({ operationType, ...fields }) as OperationInput;
const v2Key = { partitionKey: { paths: ["/key"], version: 2 as const }, throughput: 25100 };

describe("bulk: v2 containers", () => {
  it("hierarchical partition keys (two paths): reads, creates, upserts, deletes, replaces and patches", async () => {
    const ids = {
      read: uniqueId("item1"),
      booleans: uniqueId("bool"),
      unknown: uniqueId("unknown"),
      numbers: uniqueId("number"),
      strings: uniqueId("string"),
      del: uniqueId("item2"),
      replace: uniqueId("item3"),
      patch: uniqueId("item4"),
    };
    await runBulk(
      {
        partitionKey: {
          paths: ["/key", "/key2"],
          version: PartitionKeyDefinitionVersion.V2,
          kind: PartitionKeyKind.MultiHash,
        },
        throughput: 25100,
      },
      [
        { id: ids.read, key: true, key2: true, class: "2010" },
        { id: ids.booleans, key: true, key2: false, class: "2010" },
        { id: ids.unknown, key2: {}, class: "2010" },
        { id: ids.numbers, key: 0, key2: 3, class: "2010" },
        { id: ids.strings, key: 5, key2: {}, class: "2010" },
        { id: ids.del, key: {}, key2: {}, class: "2011" },
        { id: ids.replace, key: 5, key2: 5, class: "2012" },
        { id: ids.patch, key: 5, key2: 5, class: "2019" },
      ],
      [
        {
          description: "read with boolean keys",
          operation: op("Read", { partitionKey: [true, false], id: ids.booleans }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "read with undefined keys",
          operation: op("Read", { partitionKey: [undefined, undefined], id: ids.unknown }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "create with an explicitly undefined key (sent as [{},{}]) is refused",
          operation: op("Create", {
            partitionKey: undefined,
            resourceBody: { id: uniqueId("doc10"), name: "sample", key: "A", key2: "B" },
          }),
          status: 400,
        },
        {
          description: "read with number keys",
          operation: op("Read", { partitionKey: [0, 3], id: ids.numbers }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "create with two strings",
          operation: op("Create", {
            partitionKey: ["A", "B"],
            resourceBody: { id: uniqueId("doc1"), name: "sample", key: "A", key2: "B" },
          }),
          status: 201,
          properties: { name: "sample" },
        },
        {
          description: "create whose key does not match its body",
          operation: op("Create", {
            partitionKey: ["A", "V"],
            resourceBody: { id: uniqueId("doc1"), name: "sample", key: "A", key2: "B" },
          }),
          status: 400,
        },
        {
          description: "upsert without an id",
          operation: op("Upsert", { partitionKey: ["U", "V"], resourceBody: { name: "other", key: "U", key2: "V" } }),
          status: 201,
          properties: { name: "other" },
        },
        {
          description: "read with two booleans",
          operation: op("Read", { partitionKey: [true, true], id: ids.read }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "delete with [{}, {}]",
          operation: op("Delete", { partitionKey: [{}, {}], id: ids.del }),
          status: 204,
        },
        {
          description: "replace without a partition key",
          operation: op("Replace", {
            id: ids.replace,
            resourceBody: { id: ids.replace, name: "nice", key: 5, key2: 5 },
          }),
          status: 200,
          properties: { name: "nice" },
        },
        {
          description: "patch with two numbers",
          operation: op("Patch", {
            partitionKey: [5, 5],
            id: ids.patch,
            resourceBody: { operations: [{ op: PatchOperationType.add, path: "/great", value: "goodValue" }] },
          }),
          status: 200,
          properties: { great: "goodValue" },
        },
        {
          description: "conditional patch with two numbers",
          operation: op("Patch", {
            partitionKey: [5, 5],
            id: ids.patch,
            resourceBody: {
              operations: [{ op: PatchOperationType.add, path: "/good", value: "greatValue" }],
              condition: "from c where NOT IS_DEFINED(c.newImproved)",
            },
          }),
          status: 200,
        },
      ],
      { continueOnError: true },
    );
  });

  it("hierarchical partition keys (three paths)", async () => {
    const ids = {
      read: uniqueId("item1"),
      booleans: uniqueId("bool"),
      unknown: uniqueId("unknown"),
      numbers: uniqueId("number"),
      del: uniqueId("item2"),
      replace: uniqueId("item3"),
      patch: uniqueId("item4"),
    };
    await runBulk(
      {
        partitionKey: {
          paths: ["/key", "/key2", "/key3"],
          version: PartitionKeyDefinitionVersion.V2,
          kind: PartitionKeyKind.MultiHash,
        },
        throughput: 25100,
      },
      [
        { id: ids.read, key: true, key2: true, key3: true, class: "2010" },
        { id: ids.booleans, key: true, key2: false, key3: true, class: "2010" },
        { id: ids.unknown, key: {}, key2: {}, key3: {}, class: "2010" },
        { id: ids.numbers, key: 0, key2: 3, key3: 5, class: "2010" },
        { id: uniqueId("string"), key: 5, key2: {}, key3: "adsf", class: "2010" },
        { id: ids.del, key: {}, key2: {}, key3: {}, class: "2011" },
        { id: ids.replace, key: 5, key2: 5, key3: "T", class: "2012" },
        { id: ids.patch, key: 5, key2: 5, key3: true, class: "2019" },
      ],
      [
        {
          description: "read with booleans",
          operation: op("Read", { partitionKey: [true, false, true], id: ids.booleans }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "read with [{}, {}, {}]",
          operation: op("Read", { partitionKey: [{}, {}, {}], id: ids.unknown }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "read with numbers",
          operation: op("Read", { partitionKey: [0, 3, 5], id: ids.numbers }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "create with three strings",
          operation: op("Create", {
            partitionKey: ["A", "B", "C"],
            resourceBody: { id: uniqueId("doc1"), name: "sample", key: "A", key2: "B", key3: "C" },
          }),
          status: 201,
          properties: { name: "sample" },
        },
        {
          description: "create whose key does not match its body",
          operation: op("Create", {
            partitionKey: ["A", "V", true],
            resourceBody: { id: uniqueId("doc1"), name: "sample", key: "A", key2: "B", key3: true },
          }),
          status: 400,
        },
        {
          description: "upsert without an id",
          operation: op("Upsert", {
            partitionKey: ["U", "V", 5],
            resourceBody: { name: "other", key: "U", key2: "V", key3: 5 },
          }),
          status: 201,
          properties: { name: "other" },
        },
        {
          description: "read with three booleans",
          operation: op("Read", { partitionKey: [true, true, true], id: ids.read }),
          status: 200,
          properties: { class: "2010" },
        },
        {
          description: "delete with [{}, {}, {}]",
          operation: op("Delete", { partitionKey: [{}, {}, {}], id: ids.del }),
          status: 204,
        },
        {
          description: "replace without a partition key",
          operation: op("Replace", {
            id: ids.replace,
            resourceBody: { id: ids.replace, name: "nice", key: 5, key2: 5, key3: "T" },
          }),
          status: 200,
          properties: { name: "nice" },
        },
        {
          description: "patch",
          operation: op("Patch", {
            partitionKey: [5, 5, true],
            id: ids.patch,
            resourceBody: { operations: [{ op: PatchOperationType.add, path: "/great", value: "goodValue" }] },
          }),
          status: 200,
          properties: { great: "goodValue" },
        },
        {
          description: "conditional patch",
          operation: op("Patch", {
            partitionKey: [5, 5, true],
            id: ids.patch,
            resourceBody: {
              operations: [{ op: PatchOperationType.add, path: "/good", value: "greatValue" }],
              condition: "from c where NOT IS_DEFINED(c.newImproved)",
            },
          }),
          status: 200,
        },
      ],
      { continueOnError: true },
    );
  });

  it("respects order: a delete, then a read of the same item is 404", async () => {
    const id = uniqueId("item1");
    await runBulk(
      v2Key,
      [{ id, key: "A", class: "2010" }],
      [
        { description: "delete of an existing item", operation: op("Delete", { partitionKey: "A", id }), status: 204 },
        { description: "the delete ran first", operation: op("Read", { partitionKey: "A", id }), status: 404 },
      ],
      { continueOnError: false },
    );
  });

  it("without continueOnError, operations after a failure get 424", async () => {
    await runBulk(
      v2Key,
      [],
      [
        {
          description: "an invalid ttl is 400",
          operation: op("Create", { resourceBody: { ttl: -10, key: "A" } }),
          status: 400,
        },
        {
          description: "abandoned after the failure",
          operation: op("Create", {
            partitionKey: "A",
            resourceBody: { key: "A", licenseType: "B", id: uniqueId("o239uroihndsf") },
          }),
          status: 424,
        },
      ],
      { continueOnError: false },
    );
  });

  it("with continueOnError, operations after a failure still run", async () => {
    await runBulk(
      v2Key,
      [],
      [
        {
          description: "an invalid ttl is 400",
          operation: op("Create", { resourceBody: { ttl: -10, key: "A" } }),
          status: 400,
        },
        {
          description: "runs despite the failure",
          operation: op("Create", { resourceBody: { key: "A", licenseType: "B", id: uniqueId("sifjsiof") } }),
          status: 201,
        },
      ],
      { continueOnError: true },
    );
  });

  it("generates ids for creates", async () => {
    await runBulk(
      v2Key,
      [],
      [
        {
          description: "create without an id",
          operation: op("Create", { resourceBody: { key: "A", licenseType: "C" } }),
          status: 201,
        },
      ],
      { continueOnError: false },
    );
  });

  it("reads items whose keys are null, 0 and absent", async () => {
    const ids = [uniqueId("item1"), uniqueId("item2"), uniqueId("item3")] as const;
    await runBulk(
      v2Key,
      [{ id: ids[0], key: null, class: "2010" }, { id: ids[1], key: 0 }, { id: ids[2] }],
      [
        {
          description: "null key",
          operation: op("Read", { partitionKey: null, resourceBody: {}, id: ids[0] }),
          status: 200,
        },
        { description: "0 key", operation: op("Read", { partitionKey: 0, resourceBody: {}, id: ids[1] }), status: 200 },
        {
          description: "absent key",
          operation: op("Read", { partitionKey: undefined, resourceBody: {}, id: ids[2] }),
          status: 200,
        },
      ],
      { continueOnError: false },
    );
  });

  it("creates items with a nested partition key path", async () => {
    const container = await newContainer("bulk container", {
      partitionKey: { paths: ["/nested/key"], version: 2 },
      throughput: 25100,
    });
    const response = await container.items.bulk([
      { operationType: BulkOperationType.Create, resourceBody: { id: uniqueId("createItem"), nested: { key: "A" } } },
      { operationType: BulkOperationType.Upsert, resourceBody: { id: uniqueId("upsertItem"), nested: { key: false } } },
    ]);
    expect(statuses(response)).toEqual([201, 201]);
  });
});
