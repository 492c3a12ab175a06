/**
 * Transactional batch: every refusal and failure in docs/batch-contract.md (§2, §3), the
 * per-operation statuses of a successful batch, and rollback proven by reading back. Real SDK, real
 * HTTPS.
 */
import type { Container, OperationInput, OperationResponse } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { errorOf, rawRequest, uniqueId, useTestEmulator } from "./emulator-support";

const env = useTestEmulator();
let container: Container;
let hierarchical: Container;
const DB = "batchdb";

beforeAll(async () => {
  const { database } = await env.client.databases.createIfNotExists({ id: DB });
  ({ container } = await database.containers.createIfNotExists({
    id: "products",
    partitionKey: { paths: ["/categoryId"] },
  }));
  ({ container: hierarchical } = await database.containers.createIfNotExists({
    id: "tenants",
    partitionKey: { paths: ["/tenant", "/user"], kind: "MultiHash" as never, version: 2 },
  }));
});

const statuses = (result: OperationResponse[] | undefined) => result?.map((r) => r.statusCode);

async function seed(category: string, ...ids: string[]): Promise<void> {
  for (const id of ids) await container.items.create({ id, categoryId: category, price: 10 });
}

async function ids(category: string): Promise<string[]> {
  const { resources } = await container.items
    .query<{ id: string }>({
      query: "SELECT c.id FROM c WHERE c.categoryId = @c",
      parameters: [{ name: "@c", value: category }],
    })
    .fetchAll();
  return resources.map((r) => r.id).sort();
}

describe("a batch whose operations all succeed", () => {
  it("returns 200 with each operation's own status, ETag and body, in order", async () => {
    const category = uniqueId("cat");
    await seed(category, "r", "p", "d", "u-old");
    const response = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "c", categoryId: category } },
        { operationType: "Upsert", resourceBody: { id: "u-new", categoryId: category } },
        { operationType: "Upsert", resourceBody: { id: "u-old", categoryId: category, v: 2 } },
        { operationType: "Read", id: "r" },
        { operationType: "Replace", id: "r", resourceBody: { id: "r", categoryId: category, v: 3 } },
        { operationType: "Patch", id: "p", resourceBody: { operations: [{ op: "incr", path: "/price", value: 5 }] } },
        { operationType: "Delete", id: "d" },
      ],
      category,
    );
    expect(response.code).toBe(200);
    expect(statuses(response.result)).toEqual([201, 201, 200, 200, 200, 200, 204]);
    const [create, , , read, , patch, del] = response.result ?? [];
    expect(create?.eTag).toMatch(/^".+"$/);
    expect(create?.resourceBody).toMatchObject({ id: "c", categoryId: category, _etag: create?.eTag });
    expect(read?.resourceBody).toMatchObject({ id: "r", price: 10 });
    expect(patch?.resourceBody).toMatchObject({ id: "p", price: 15 });
    expect(del?.resourceBody).toBeUndefined();
    expect(await ids(category)).toEqual(["c", "p", "r", "u-new", "u-old"]);
    for (const result of response.result ?? []) expect(result.requestCharge).toBeGreaterThan(0);
    expect(response.headers["x-ms-activity-id"]).toBeTruthy();
    expect(response.headers["x-ms-session-token"]).toBeTruthy();
  });
});

describe("a Read with ifNoneMatch equal to the stored ETag", () => {
  it("answers 304 for that read without failing the batch: the HTTP status says whether it committed", async () => {
    const category = uniqueId("cat");
    const { resource } = await container.items.create({ id: "seen", categoryId: category });
    const response = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "new", categoryId: category } },
        // The 4.9 types omit ifNoneMatch on Read; the SDK sends the operation as given.
        { operationType: "Read", id: "seen", ifNoneMatch: resource?._etag } as OperationInput,
      ],
      category,
    );
    expect(response.code).toBe(200);
    expect(statuses(response.result)).toEqual([201, 304]);
    expect(await ids(category)).toEqual(["new", "seen"]);
  });
});

describe("a batch with one failing operation: 207, that operation's status, 424 for the rest, nothing committed", () => {
  async function expectRolledBack(
    category: string,
    operations: OperationInput[],
    failingIndex: number,
    status: number,
  ) {
    const before = await ids(category);
    const response = await container.items.batch(operations, category);
    expect(response.code).toBe(207);
    const expected = operations.map((_, i) => (i === failingIndex ? status : 424));
    expect(statuses(response.result)).toEqual(expected);
    expect(await ids(category)).toEqual(before);
    return response;
  }

  it("an item whose partition key value differs from the batch's: 400 with sub-status 1001", async () => {
    const category = uniqueId("cat");
    const response = await expectRolledBack(
      category,
      [
        { operationType: "Create", resourceBody: { id: "a", categoryId: category } },
        { operationType: "Create", resourceBody: { id: "b", categoryId: "another" } },
      ],
      1,
      400,
    );
    // The SDK passes the field through although its OperationResponse type does not declare it.
    expect((response.result?.[1] as { subStatusCode?: number } | undefined)?.subStatusCode).toBe(1001);
  });

  it("an item without the partition key property: 400", async () => {
    const category = uniqueId("cat");
    await expectRolledBack(
      category,
      [
        { operationType: "Create", resourceBody: { id: "a", categoryId: category } },
        { operationType: "Upsert", resourceBody: { id: "b" } },
      ],
      1,
      400,
    );
  });

  it("a create of an existing id: 409, and the earlier operations are undone", async () => {
    const category = uniqueId("cat");
    await seed(category, "taken", "kept");
    await expectRolledBack(
      category,
      [
        { operationType: "Delete", id: "kept" },
        { operationType: "Create", resourceBody: { id: "fresh", categoryId: category } },
        { operationType: "Create", resourceBody: { id: "taken", categoryId: category } },
      ],
      2,
      409,
    );
    const { resource } = await container.item("kept", category).read();
    expect(resource?.id).toBe("kept");
  });

  it.each([
    ["Read", { operationType: "Read", id: "missing" }],
    ["Replace", { operationType: "Replace", id: "missing", resourceBody: { id: "missing", categoryId: "x" } }],
    ["Delete", { operationType: "Delete", id: "missing" }],
    [
      "Patch",
      { operationType: "Patch", id: "missing", resourceBody: { operations: [{ op: "set", path: "/a", value: 1 }] } },
    ],
  ] as const)("%s of a missing id: 404", async (_name, operation) => {
    const category = uniqueId("cat");
    const op = { ...operation } as OperationInput;
    if (op.operationType === "Replace") op.resourceBody = { id: "missing", categoryId: category };
    await expectRolledBack(
      category,
      [{ operationType: "Create", resourceBody: { id: "n", categoryId: category } }, op],
      1,
      404,
    );
  });

  it("ifMatch with a stale ETag: 412", async () => {
    const category = uniqueId("cat");
    const { resource } = await container.items.create({ id: "v", categoryId: category });
    await container.item("v", category).replace({ id: "v", categoryId: category, changed: true });
    await expectRolledBack(
      category,
      [
        { operationType: "Create", resourceBody: { id: "n", categoryId: category } },
        {
          operationType: "Replace",
          id: "v",
          ifMatch: resource?._etag,
          resourceBody: { id: "v", categoryId: category },
        },
      ],
      1,
      412,
    );
  });

  it("ifNoneMatch matching the stored ETag: 412", async () => {
    const category = uniqueId("cat");
    const { resource } = await container.items.create({ id: "v", categoryId: category });
    await expectRolledBack(
      category,
      [
        { operationType: "Create", resourceBody: { id: "n", categoryId: category } },
        { operationType: "Upsert", ifNoneMatch: resource?._etag, resourceBody: { id: "v", categoryId: category } },
      ],
      1,
      412,
    );
  });

  it("a patch whose condition is false: 412", async () => {
    const category = uniqueId("cat");
    await seed(category, "p");
    await expectRolledBack(
      category,
      [
        { operationType: "Create", resourceBody: { id: "n", categoryId: category } },
        {
          operationType: "Patch",
          id: "p",
          resourceBody: {
            condition: "from c where c.price > 100",
            operations: [{ op: "set", path: "/price", value: 1 }],
          },
        },
      ],
      1,
      412,
    );
    const { resource } = await container.item("p", category).read();
    expect(resource?.price).toBe(10);
  });
});

describe("whole-request rejections", () => {
  const docs = `/dbs/${DB}/colls/products/docs`;
  const batchHeaders = (key: string) => ({
    "x-ms-cosmos-is-batch-request": "True",
    "x-ms-cosmos-batch-atomic": "True",
    "x-ms-documentdb-partitionkey": key,
  });

  it("an operation-level partitionKey that differs from the request's: 400 with the service's message", async () => {
    const category = uniqueId("cat");
    const attempt = container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "a", categoryId: category } },
        { operationType: "Create", partitionKey: "other", resourceBody: { id: "b", categoryId: category } },
      ],
      category,
    );
    await expect(attempt).rejects.toThrow(
      /One or more operations within the batch request have a different partition key value than the request/,
    );
    expect(await ids(category)).toEqual([]);
  });

  it("an operation-level partitionKey equal to the request's (non-ASCII, escaped differently) is accepted", async () => {
    const category = uniqueId("caté");
    const response = await container.items.batch(
      [{ operationType: "Create", partitionKey: category, resourceBody: { id: "a", categoryId: category } }],
      category,
    );
    expect(response.code).toBe(200);
  });

  it("an empty batch: 400 'Batch request has no operations.'", async () => {
    const response = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: batchHeaders('["x"]'),
      body: [],
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "BadRequest", message: "Batch request has no operations." });
    await expect(container.items.batch([], "x")).rejects.toThrow(/Batch request has no operations/);
  });

  it("more than 100 operations reaching the server: 400", async () => {
    const operations = Array.from({ length: 101 }, (_, i) => ({
      operationType: "Create",
      resourceBody: { id: `i${i}`, categoryId: "many" },
    }));
    const response = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: batchHeaders('["many"]'),
      body: operations,
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ message: "Batch request has more operations than what is supported." });
    expect(await ids("many")).toEqual([]);
  });

  it("a body larger than 2,202,010 bytes: 413", async () => {
    const big = "x".repeat(1_200_000);
    const operations = [
      { operationType: "Create", resourceBody: { id: "big1", categoryId: "big", big } },
      { operationType: "Create", resourceBody: { id: "big2", categoryId: "big", big } },
    ];
    const response = await rawRequest(env.emulator, {
      method: "POST",
      path: docs,
      headers: batchHeaders('["big"]'),
      body: operations,
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: "RequestEntityTooLarge" });
    // The SDK throws whole-request errors as "Batch request error: <the service's message>" (the
    // status survives only in 4.10's error.cause), so the 413 itself is asserted on the raw request.
    const error = await errorOf(container.items.batch(operations as OperationInput[], "big"));
    expect(error.message).toBe("Batch request error: Request size is too large. (RequestEntityTooLarge)");
    expect(await ids("big")).toEqual([]);
  });

  it("a hierarchical partition key given partially: 400", async () => {
    const response = await rawRequest(env.emulator, {
      method: "POST",
      path: `/dbs/${DB}/colls/tenants/docs`,
      headers: batchHeaders('["acme"]'),
      body: [{ operationType: "Create", resourceBody: { id: "h", tenant: "acme", user: "ann" } }],
    });
    expect(response.status).toBe(400);
  });

  it("a full hierarchical key works", async () => {
    const response = await hierarchical.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "h1", tenant: "acme", user: "ann" } },
        { operationType: "Create", resourceBody: { id: "h2", tenant: "acme", user: "bob" } },
      ],
      ["acme", "ann"],
    );
    expect(response.code).toBe(207);
    expect(statuses(response.result)).toEqual([424, 400]);
    const ok = await hierarchical.items.batch(
      [{ operationType: "Create", resourceBody: { id: "h1", tenant: "acme", user: "ann" } }],
      ["acme", "ann"],
    );
    expect(ok.code).toBe(200);
  });
});
