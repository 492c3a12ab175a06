/**
 * Conformance: the scenarios of @azure/cosmos's own `test/public/functional/query.spec.ts` and
 * `test/public/functional/queryIterator.spec.ts` (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos),
 * rewritten for the embedded emulator.
 */
import {
  OperationType,
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
  ResourceType,
  type Container,
  type ContainerRequest,
  type CosmosClient,
  type CosmosClientOptions,
  type FeedOptions,
  type PartitionKey,
} from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { errorOf, freshContainer, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

const newContainer = (
  name: string,
  request: Omit<ContainerRequest, "id"> = {},
  client: CosmosClient = env.client,
): Promise<Container> => freshContainer(client, name, request);

describe("query CRUD", () => {
  it("queries databases with a parameter, a literal, and a plain string", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("query test database") });
    const byParameter = await env.client.databases
      .query({ query: "SELECT * FROM root r WHERE r.id=@id", parameters: [{ name: "@id", value: database.id }] })
      .fetchAll();
    expect(byParameter.resources.length).toBeGreaterThan(0);
    const byLiteral = await env.client.databases
      .query({ query: `SELECT * FROM root r WHERE r.id='${database.id}'` })
      .fetchAll();
    expect(byLiteral.resources.length).toBeGreaterThan(0);
    const byString = await env.client.databases.query(`SELECT * FROM root r WHERE r.id='${database.id}'`).fetchAll();
    expect(byString.resources.length).toBeGreaterThan(0);
  });
});

describe("QueryIterator", () => {
  let container: Container;
  beforeAll(async () => {
    container = await newContainer("Validate QueryIterator Functionality");
    for (const [id, prop1] of [
      ["doc1", "value1"],
      ["doc2", "value2"],
      ["doc3", "value3"],
    ]) {
      await container.items.create({ id, prop1 });
    }
  });

  it("fetchAll follows continuations", async () => {
    const { resources } = await container.items.readAll({ maxItemCount: 2 }).fetchAll();
    expect(resources.map((d) => d.id)).toEqual(["doc1", "doc2", "doc3"]);
  });

  it("the async iterator yields two pages", async () => {
    const pages: string[][] = [];
    for await (const { resources } of container.items.readAll<{ id: string }>({ maxItemCount: 2 }).getAsyncIterator())
      pages.push(resources.map((d) => d.id));
    expect(pages).toEqual([["doc1", "doc2"], ["doc3"]]);
  });

  it("fetchNext pages, charges, and resumes from a continuation token", async () => {
    const iterator = container.items.readAll({ maxItemCount: 2 });
    const first = await iterator.fetchNext();
    expect(first.continuationToken).toBeTruthy();
    expect(first.requestCharge).toBeGreaterThan(0);
    expect(first.resources.map((d) => d.id)).toEqual(["doc1", "doc2"]);
    const second = await iterator.fetchNext();
    expect(second.resources.map((d) => d.id)).toEqual(["doc3"]);

    const resumed = await container.items
      .readAll({ maxItemCount: 2, continuationToken: first.continuationToken })
      .fetchNext();
    expect(resumed.requestCharge).toBeGreaterThan(0);
    expect(resumed.resources.map((d) => d.id)).toEqual(["doc3"]);
  });

  it("an invalid continuation token fails with 'Invalid Continuation Token'", async () => {
    const first = await container.items.readAll({ maxItemCount: 2 }).fetchNext();
    expect(first.continuationToken).toBeTruthy();
    const error = await errorOf(container.items.readAll({ maxItemCount: 2, continuationToken: "junk" }).fetchNext());
    expect(error.message).toContain("Invalid Continuation Token");
  });
});

// After `item/query-test.spec.ts` ("IQ Query test").
describe("query with a forced query plan", () => {
  it("returns items in the order they were written", async () => {
    const container = await newContainer("testcontainer");
    await container.items.create({ id: "1", name: "Item 1" });
    await container.items.create({ id: "2", name: "Item 2" });
    const { resources } = await container.items
      .query<{ id: string }>("SELECT * FROM c", { forceQueryPlan: true })
      .fetchAll();
    expect(resources.map((item) => item.id)).toEqual(["1", "2"]);
  });
});

describe("SUM", () => {
  const sumWith = async (age: unknown): Promise<unknown[]> => {
    const container = await newContainer("Validate QueryIterator Functionality", {
      throughput: 10100,
      partitionKey: "/id",
    });
    await container.items.create({ id: "5eded6f8asdfasdfasdfaa21be0109ae34e29", age: 22 });
    await container.items.create({ id: "5eded6f8a21be0109ae34e29", age: 22 });
    await container.items.create({ id: "5edasdfasdfed6f8a21be0109ae34e29", age });
    await container.items.create({ id: "5eded6f8a2dd1be0109ae34e29", age: 22 });
    await container.items.create({ id: "AndersenFamily" });
    await container.items.create({ id: "1" });
    return (await container.items.query("SELECT VALUE SUM(c.age) FROM c").fetchAll()).resources;
  };

  it("is undefined (no result) when one value is null", async () => expect(await sumWith(null)).toHaveLength(0));
  it("is undefined (no result) when one value is false", async () => expect(await sumWith(false)).toHaveLength(0));
  it("is undefined (no result) when one value is an empty array", async () =>
    expect(await sumWith([])).toHaveLength(0));
  it("ignores undefined values", async () => expect(await sumWith(undefined)).toEqual([66]));
});

describe("QueryIterator with hierarchical partition keys", () => {
  let container: Container;
  beforeAll(async () => {
    container = await newContainer("Validate QueryIterator Functionality", {
      partitionKey: {
        paths: ["/prop1", "/prop2"],
        version: PartitionKeyDefinitionVersion.V2,
        kind: PartitionKeyKind.MultiHash,
      },
    });
    await container.items.create({ id: "doc1", prop1: "a", prop2: 1 });
    await container.items.create({ id: "doc2", prop1: "a", prop2: 1 });
    await container.items.create({ id: "doc3", prop1: "a", prop2: 1 });
    await container.items.create({ id: "doc4", prop1: "b", prop2: 2 });
  });

  it("fetchAll follows continuations", async () => {
    const { resources } = await container.items.readAll({ maxItemCount: 2 }).fetchAll();
    expect(resources.map((d) => d.id)).toEqual(["doc1", "doc2", "doc3", "doc4"]);
  });

  it("the async iterator yields three pages: two full ones, then an empty last one", async () => {
    const pages: string[][] = [];
    for await (const { resources } of container.items.readAll<{ id: string }>({ maxItemCount: 2 }).getAsyncIterator())
      pages.push(resources.map((d) => d.id));
    expect(pages.slice(0, 2)).toEqual([
      ["doc1", "doc2"],
      ["doc3", "doc4"],
    ]);
    expect(pages).toHaveLength(3);
  });

  it("the async iterator with a partition key yields two pages", async () => {
    const pages: string[][] = [];
    for await (const { resources } of container.items
      .readAll<{ id: string }>({ maxItemCount: 2, partitionKey: ["a", 1] })
      .getAsyncIterator()) {
      pages.push(resources.map((d) => d.id));
    }
    expect(pages).toEqual([["doc1", "doc2"], ["doc3"]]);
  });

  it("fetchNext with a partition key pages and resumes from a continuation token", async () => {
    const iterator = container.items.readAll({ maxItemCount: 2, partitionKey: ["a", 1] });
    const first = await iterator.fetchNext();
    expect(first.continuationToken).toBeTruthy();
    expect(first.requestCharge).toBeGreaterThan(0);
    expect(first.resources.map((d) => d.id)).toEqual(["doc1", "doc2"]);
    expect((await iterator.fetchNext()).resources.map((d) => d.id)).toEqual(["doc3"]);

    const resumed = await container.items
      .readAll({ maxItemCount: 2, continuationToken: first.continuationToken, partitionKey: ["a", 1] })
      .fetchNext();
    expect(resumed.requestCharge).toBeGreaterThan(0);
    expect(resumed.resources.map((d) => d.id)).toEqual(["doc3"]);
  });

  it("an invalid continuation token fails with 'Invalid Continuation Token'", async () => {
    const error = await errorOf(container.items.readAll({ maxItemCount: 2, continuationToken: "junk" }).fetchNext());
    expect(error.message).toContain("Invalid Continuation Token");
  });

  it("SUM within a full, an absent and a partly absent partition key", async () => {
    const sums = await newContainer("Validate QueryIterator Functionality", {
      throughput: 10100,
      partitionKey: {
        paths: ["/city", "/address/zip"],
        version: PartitionKeyDefinitionVersion.V2,
        kind: PartitionKeyKind.MultiHash,
      },
    });
    const items = [
      { id: "5eded6f8asdfasdfasdfaa21be0109ae34e29", age: 22, city: "a", address: { zip: 1 } },
      { id: "5eded6f8a21be0109ae34e29", age: 22, city: "a", address: { zip: 1 } },
      { id: "5edasdfasdfed6f8a21be0109ae34e29", age: 22, city: "a", address: { zip: 1 } },
      { id: "5eded6f8a2dd1be0109ae34e29", age: 22, city: "b", address: { zip: 2 } },
      { id: "AndersenFamily", age: 11, city: "b", address: { zip: 2 } },
      { id: "5esdfeded6f8a2dd1be0109ae34e29", age: 113 },
      { id: "5edsfesdfeded6f8a2dd1be0109ae34e29", age: 115, address: { zip: 2 } },
      { id: "1", age: 100, city: "b", address: { zip: 2 } },
    ];
    for (const item of items) await sums.items.create(item);
    const sum = async (partitionKey: unknown) =>
      (
        await sums.items
          .query("SELECT VALUE SUM(c.age) FROM c", { partitionKey: partitionKey as PartitionKey })
          .fetchAll()
      ).resources;
    expect(await sum(["a", 1])).toEqual([66]);
    expect(await sum(["b", 2])).toEqual([133]);
    expect(await sum([undefined, undefined])).toEqual([113]);
    expect(await sum([undefined, 2])).toEqual([115]);
  });
});

describe("correlated activity id", () => {
  const header = "x-ms-cosmos-correlated-activityid";
  const isV4Uuid = (value: unknown): boolean =>
    typeof value === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(value);
  let captured: unknown[] = [];
  let container: Container;

  beforeAll(async () => {
    // `plugins` is an option the SDK reads but does not declare in its public types.
    const client = env.clientWith({
      plugins: [
        {
          on: "request",
          plugin: async (
            context: { operationType?: string; resourceType?: string; headers: Record<string, unknown> },
            _node: unknown,
            next: (c: unknown) => Promise<unknown>,
          ) => {
            if (context.operationType === OperationType.Query && context.resourceType === ResourceType.item)
              captured.push(context.headers[header]);
            return next(context);
          },
        },
      ],
    } as Partial<CosmosClientOptions>);
    container = await newContainer("Test", { partitionKey: "/name", throughput: 10000 }, client);
    await Promise.all([
      container.items.create({ id: "1", name: "foo" }),
      container.items.create({ id: "2", name: "bar" }),
      container.items.create({ id: "3", name: "foo" }),
      container.items.create({ id: "4", name: "bar" }),
    ]);
  });

  const allSame = (): boolean =>
    captured.length > 0 && captured.every(isV4Uuid) && captured.every((id) => id === captured[0]);

  it("fetchNext and fetchAll of one iterator use different ids", async () => {
    const iterator = container.items.readAll();
    captured = [];
    const next = await iterator.fetchNext();
    expect(allSame()).toBe(true);
    expect(next.correlatedActivityId).toBe(captured[0]);
    const first = captured[0];
    captured = [];
    const all = await iterator.fetchAll();
    expect(allSame()).toBe(true);
    expect(all.correlatedActivityId).toBe(captured[0]);
    expect(captured[0]).not.toBe(first);
  });

  const sameIdThroughout = async (query: string, options: FeedOptions): Promise<void> => {
    const iterator = container.items.query(query, options);
    captured = [];
    while (iterator.hasMoreResults()) await iterator.fetchNext();
    expect(allSame()).toBe(true);
  };

  it.each<[string, string, FeedOptions]>([
    ["a hasMoreResults loop", "SELECT * from c", { maxItemCount: 2 }],
    ["a forced query plan", "SELECT * from c", { forceQueryPlan: true }],
    ["ORDER BY", "SELECT c.name FROM c ORDER BY c.name ASC", {}],
  ])("every request of %s carries the same id", (_name, query, options) => sameIdThroughout(query, options));

  it("every request of GROUP BY carries the same id", () =>
    sameIdThroughout("SELECT c.name FROM c GROUP BY c.name", {}));

  it("an error response echoes the request's correlated activity id", async () => {
    const iterator = container.items.query("SELECT * frm c");
    captured = [];
    const error = await errorOf(iterator.fetchNext());
    expect(error.code).toBe(400);
    expect(captured.length).toBeGreaterThan(0);
    expect(error.headers?.[header]).toBe(captured[0]);
  });
});
