/**
 * Queries (parameters, one partition, across partitions, ORDER BY, TOP, aggregates, paging) and
 * bulk (independent operations, 207 per failed operation, nothing atomic) through the real SDK.
 */
import { BulkOperationType, type Container, type OperationInput } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { statusOf, uniqueId, useTestEmulator } from "./emulator-support";

const env = useTestEmulator();
let container: Container;

interface Product {
  id: string;
  categoryId: string;
  price: number;
}

const PRODUCTS: Product[] = [
  { id: "p1", categoryId: "bikes", price: 300 },
  { id: "p2", categoryId: "bikes", price: 100 },
  { id: "p3", categoryId: "bikes", price: 200 },
  { id: "p4", categoryId: "helmets", price: 50 },
  { id: "p5", categoryId: "helmets", price: 80 },
  { id: "p6", categoryId: "lights", price: 20 },
];

beforeAll(async () => {
  const { database } = await env.client.databases.create({ id: "querydb" });
  ({ container } = await database.containers.create({ id: "products", partitionKey: { paths: ["/categoryId"] } }));
  for (const product of PRODUCTS) await container.items.create(product);
});

describe("queries", () => {
  it("filters with parameters within one partition", async () => {
    const { resources, requestCharge } = await container.items
      .query<Product>(
        { query: "SELECT * FROM c WHERE c.price >= @min", parameters: [{ name: "@min", value: 150 }] },
        { partitionKey: "bikes" },
      )
      .fetchAll();
    expect(resources.map((p) => p.id).sort()).toEqual(["p1", "p3"]);
    expect(requestCharge).toBeGreaterThan(2);
  });

  it("scopes a partition-key query to that partition only", async () => {
    const { resources } = await container.items
      .query<Product>("SELECT * FROM c", { partitionKey: "helmets" })
      .fetchAll();
    expect(resources.map((p) => p.id).sort()).toEqual(["p4", "p5"]);
  });

  it("queries across partitions with ORDER BY and TOP", async () => {
    const ordered = await container.items.query<Product>("SELECT * FROM c ORDER BY c.price DESC").fetchAll();
    expect(ordered.resources.map((p) => p.id)).toEqual(["p1", "p3", "p2", "p5", "p4", "p6"]);
    const top = await container.items.query<{ id: string }>("SELECT TOP 2 c.id FROM c ORDER BY c.price").fetchAll();
    expect(top.resources).toEqual([{ id: "p6" }, { id: "p4" }]);
  });

  it("computes aggregates across partitions", async () => {
    const { resources } = await container.items
      .query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.price > 60")
      .fetchAll();
    expect(resources).toEqual([4]);
    const sum = await container.items.query<number>("SELECT VALUE SUM(c.price) FROM c").fetchAll();
    expect(sum.resources).toEqual([750]);
  });

  it("pages with maxItemCount and continuation", async () => {
    const iterator = container.items.query<Product>("SELECT * FROM c ORDER BY c.price", { maxItemCount: 4 });
    const first = await iterator.fetchNext();
    expect(first.resources.map((p) => p.id)).toEqual(["p6", "p4", "p5", "p2"]);
    expect(first.hasMoreResults).toBe(true);
    const second = await iterator.fetchNext();
    expect(second.resources.map((p) => p.id)).toEqual(["p3", "p1"]);
  });

  it("refuses a query with a syntax error (400)", async () => {
    expect(await statusOf(container.items.query("SELEC * FROM c").fetchAll())).toBe(400);
  });

  it("answers query plan requests", async () => {
    const plan = await container.getQueryPlan("SELECT * FROM c ORDER BY c.price");
    expect(plan.result).toMatchObject({ queryRanges: [{ min: "", max: "FF" }] });
  });

  it("queries containers and offers", async () => {
    const { resources } = await env.client
      .database("querydb")
      .containers.query({ query: "SELECT * FROM c" })
      .fetchAll();
    expect(resources.map((c) => c.id)).toEqual(["products"]);
    const offers = await env.client.offers.readAll().fetchAll();
    expect(offers.resources.length).toBeGreaterThan(0);
  });
});

describe("bulk", () => {
  it("applies each operation on its own: failures do not undo the others", async () => {
    const category = uniqueId("bulk");
    await container.items.create({ id: "exists", categoryId: category, price: 1 });
    const operations: OperationInput[] = [
      { operationType: BulkOperationType.Create, resourceBody: { id: "b1", categoryId: category, price: 1 } },
      { operationType: BulkOperationType.Create, resourceBody: { id: "exists", categoryId: category, price: 1 } },
      { operationType: BulkOperationType.Upsert, resourceBody: { id: "b2", categoryId: `${category}-2`, price: 2 } },
      { operationType: BulkOperationType.Read, id: "exists", partitionKey: category },
      { operationType: BulkOperationType.Delete, id: "missing", partitionKey: category },
    ];
    const results = await container.items.bulk(operations);
    expect(results.map((r) => r.statusCode)).toEqual([201, 409, 201, 200, 404]);
    expect((await container.item("b1", category).read()).statusCode).toBe(200);
    expect((await container.item("b2", `${category}-2`).read()).statusCode).toBe(200);
  });

  it("executes many operations across partitions", async () => {
    const category = uniqueId("many");
    // items.bulk takes at most 100 operations per partition key range; the emulator has one range.
    const operations: OperationInput[] = Array.from({ length: 100 }, (_, i) => ({
      operationType: BulkOperationType.Create,
      resourceBody: { id: `m${i}`, categoryId: `${category}-${i % 7}`, price: i },
    }));
    const results = await container.items.bulk(operations);
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    const { resources } = await container.items
      .query<number>({
        query: "SELECT VALUE COUNT(1) FROM c WHERE STARTSWITH(c.categoryId, @p)",
        parameters: [{ name: "@p", value: category }],
      })
      .fetchAll();
    expect(resources).toEqual([100]);
  });

  it("executes bulk through executeBulkOperations as well", async () => {
    const category = uniqueId("exec");
    const response = await container.items.executeBulkOperations([
      {
        operationType: BulkOperationType.Create,
        partitionKey: category,
        resourceBody: { id: "x", categoryId: category },
      },
      {
        operationType: BulkOperationType.Patch,
        id: "x",
        partitionKey: category,
        resourceBody: { operations: [{ op: "add", path: "/n", value: 1 }] },
      },
    ]);
    expect(response.map((r) => r.response?.statusCode)).toEqual([201, 200]);
  });
});
