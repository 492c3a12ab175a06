/**
 * Conformance: the scenarios of @azure/cosmos's own
 * `test/public/functional/item/batch.item.spec.ts` (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos),
 * rewritten for the embedded emulator.
 */
import {
  BulkOperationType,
  PartitionKeyKind,
  PatchOperationType,
  type Container,
  type OperationInput,
  type OperationResponse,
  type PartitionKey,
} from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

const isOperationResponse = (value: unknown): value is OperationResponse =>
  typeof value === "object" &&
  value !== null &&
  Object.hasOwn(value, "statusCode") &&
  Object.hasOwn(value, "requestCharge");

const conditionalPatch = {
  operations: [{ op: PatchOperationType.add, path: "/good", value: "greatValue" }],
  condition: "from c where NOT IS_DEFINED(c.newImproved)",
};

/** The same scenarios for a container keyed on /key and one keyed on /key1,/key2. */
function batchScenarios(
  name: string,
  partitionKey: { paths: string[]; version: 2; kind?: PartitionKeyKind },
  keyFields: Record<string, string>,
  key: PartitionKey,
): void {
  describe(name, () => {
    let container: Container;
    let deleteItemId: string;
    let replaceItemId: string;
    let patchItemId: string;

    beforeAll(async () => {
      const { database } = await env.client.databases.createIfNotExists({ id: "patchDb" });
      ({ container } = await database.containers.createIfNotExists({
        id: uniqueId("patchContainer"),
        partitionKey,
        throughput: 25100,
      }));
      deleteItemId = uniqueId("item1");
      replaceItemId = uniqueId("item3");
      patchItemId = uniqueId("item5");
      for (const id of [deleteItemId, replaceItemId, patchItemId])
        await container.items.create({ id, ...keyFields, class: "2010" });
    });

    it("runs all operation types: 201, 201, 200, 204, 200", async () => {
      const operations: OperationInput[] = [
        {
          operationType: BulkOperationType.Create,
          resourceBody: { id: uniqueId("item2"), ...keyFields, school: "high" },
        },
        {
          operationType: BulkOperationType.Upsert,
          resourceBody: { id: uniqueId("item4"), ...keyFields, school: "elementary" },
        },
        {
          operationType: BulkOperationType.Replace,
          id: replaceItemId,
          resourceBody: { id: replaceItemId, ...keyFields, school: "junior high" },
        },
        { operationType: BulkOperationType.Delete, id: deleteItemId },
        { operationType: BulkOperationType.Patch, id: patchItemId, resourceBody: conditionalPatch },
      ];
      const response = await container.items.batch(operations, key);
      expect(isOperationResponse(response.result?.[0])).toBe(true);
      expect(response.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 204, 200]);
    });

    it("rolls back earlier operations when one fails: 424 then 404, nothing written", async () => {
      const otherItemId = uniqueId("item2");
      const operations: OperationInput[] = [
        {
          operationType: BulkOperationType.Upsert,
          resourceBody: { id: otherItemId, ...keyFields, school: "elementary" },
        },
        { operationType: BulkOperationType.Delete, id: deleteItemId + uniqueId("make this 404") },
      ];
      const response = await container.items.batch(operations, key);
      expect(response.result?.[0]?.statusCode).toBe(424);
      expect(response.result?.[1]?.statusCode).toBe(404);
      expect(isOperationResponse(response.result?.[0])).toBe(true);
      // Upstream reads without a key; read with the batch's key as well, where the upsert would have gone.
      expect((await container.item(otherItemId).read()).resource).toBeUndefined();
      expect((await container.item(otherItemId, key).read()).resource).toBeUndefined();
    });
  });
}

describe("transactional batch", () => {
  batchScenarios("v2 container", { paths: ["/key"], version: 2 }, { key: "A" }, "A");
  batchScenarios(
    "v2 container with hierarchical partition keys",
    { paths: ["/key1", "/key2"], version: 2, kind: PartitionKeyKind.MultiHash },
    { key1: "A", key2: "B" },
    ["A", "B"],
  );

  describe("operations that carry their own partition key", () => {
    let container: Container;
    beforeAll(async () => {
      const { database } = await env.client.databases.createIfNotExists({ id: "patchDb" });
      ({ container } = await database.containers.create({
        id: uniqueId("patchContainer"),
        partitionKey: { paths: ["/key"], version: 2 },
        throughput: 25100,
      }));
    });

    it("runs when every operation's key equals the batch's", async () => {
      const operations: OperationInput[] = [
        {
          operationType: BulkOperationType.Create,
          resourceBody: { id: "i1", key: "B", school: "high" },
          partitionKey: "B",
        },
        {
          operationType: BulkOperationType.Upsert,
          resourceBody: { id: "i2", key: "B", school: "elementary" },
          partitionKey: "B",
        },
        {
          operationType: BulkOperationType.Replace,
          id: "i1",
          resourceBody: { id: "i1", key: "B", school: "junior high" },
          partitionKey: "B",
        },
        { operationType: BulkOperationType.Delete, id: "i1", partitionKey: "B" },
        { operationType: BulkOperationType.Patch, id: "i2", partitionKey: "B", resourceBody: conditionalPatch },
      ];
      const response = await container.items.batch(operations, "B");
      expect(isOperationResponse(response.result?.[0])).toBe(true);
      expect(response.result?.map((r) => r.statusCode)).toEqual([201, 201, 200, 204, 200]);
    });

    it("refuses the whole batch when one operation's key differs from the batch's", async () => {
      const operations: OperationInput[] = [
        {
          operationType: BulkOperationType.Create,
          resourceBody: { id: "id1", key: "B", school: "high" },
          partitionKey: "B",
        },
        {
          operationType: BulkOperationType.Upsert,
          resourceBody: { id: "id2", key: "B", school: "elementary" },
          partitionKey: "A",
        },
        {
          operationType: BulkOperationType.Replace,
          id: "id1",
          resourceBody: { id: "id1", key: "B", school: "junior high" },
        },
        { operationType: BulkOperationType.Delete, id: "id1", partitionKey: "B" },
        { operationType: BulkOperationType.Patch, id: "id2", partitionKey: "B", resourceBody: conditionalPatch },
      ];
      await expect(container.items.batch(operations, "B")).rejects.toThrow(
        "One or more operations within the batch request have a different partition key value than the request.",
      );
      expect((await container.item("id1", "B").read()).statusCode).toBe(404);
    });
  });
});
