/**
 * Conformance: the scenarios of @azure/cosmos's own `test/public/functional/item/item.spec.ts`
 * (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos), rewritten for the embedded emulator: CRUD on
 * containers with the default key, a custom key, hierarchical keys and keys of every JSON type,
 * and patch operations.
 */
import {
  PartitionKeyDefinitionVersion,
  PartitionKeyKind,
  type Container,
  type ContainerRequest,
  type Database,
  type PartitionKey,
  type PartitionKeyDefinition,
  type PatchOperation,
} from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { statusOf, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();
let database: Database;

beforeAll(async () => {
  ({ database } = await env.client.databases.create({ id: "sample 中文 database" }));
});

interface TestItem {
  id?: string;
  name?: string;
  foo?: string;
  key?: string | number | boolean | null;
  key2?: string | number | boolean | null;
  _partitionKey?: string;
  replace?: string;
  prop?: number;
}

type StoredItem = TestItem & { id: string; _etag?: string; _ts?: number };

interface CrudCase {
  container: Omit<ContainerRequest, "id">;
  item: TestItem;
  replacement: TestItem;
  /** Key for operations on the item; undefined lets the SDK work it out. */
  partitionKey?: PartitionKey;
}

/** Create (or upsert), list, query, replace (or upsert), read, delete, then read again: 404. */
async function crud(dataset: CrudCase, upsert: boolean): Promise<void> {
  const { container } = await database.containers.create({ id: uniqueId("crud"), ...dataset.container });
  const { resources: before } = await container.items.readAll().fetchAll();
  expect(Array.isArray(before)).toBe(true);

  // Without automatic ids, an item without an id reaches the service and is refused there.
  const write = (body: TestItem, options?: { disableAutomaticIdGeneration: boolean }) =>
    upsert ? container.items.upsert<TestItem>(body, options) : container.items.create<TestItem>(body, options);
  expect(await statusOf(write({ ...dataset.item }, { disableAutomaticIdGeneration: true }))).toBe(400);

  const { resource: created } = await write({ ...dataset.item });
  const document = created!;
  expect(document.name).toBe(dataset.item.name);
  expect(document.id).toBeDefined();

  const { resources: after } = await container.items.readAll().fetchAll();
  expect(after.length).toBe(before.length + 1);
  const querySpec = { query: "SELECT * FROM root r WHERE r.id=@id", parameters: [{ name: "@id", value: document.id }] };
  expect((await container.items.query(querySpec).fetchAll()).resources.length).toBeGreaterThan(0);
  expect(
    (await container.items.query(querySpec, { enableScanInQuery: true }).fetchAll()).resources.length,
  ).toBeGreaterThan(0);

  const replacement: TestItem = { ...dataset.replacement, id: document.id };
  const { resource: replaced } = upsert
    ? await container.items.upsert<TestItem>(replacement)
    : await container.item(document.id, dataset.partitionKey).replace<TestItem>(replacement);
  expect(replaced?.name).toBe(replacement.name);
  expect(replaced?.foo).toBe(replacement.foo);
  expect(replaced?.id).toBe(document.id);

  const read = await container.item(document.id, dataset.partitionKey).read<TestItem>();
  expect(read.resource?.id).toBe(document.id);
  expect(typeof read.requestCharge).toBe("number");

  await container.item(document.id, dataset.partitionKey).delete();
  const gone = await container.item(document.id, undefined).read();
  expect(gone.statusCode).toBe(404);
  expect(gone.resource).toBeUndefined();
}

const defaultKeyCase: CrudCase = {
  container: {},
  item: { name: "sample document", foo: "bar", key: "value", replace: "new property" },
  replacement: { name: "replaced document", foo: "not bar", key: "value", replace: "new property" },
};
const defaultKeyWithValue = (value: string): CrudCase => ({
  container: { throughput: 12000 },
  item: { ...defaultKeyCase.item, _partitionKey: value },
  replacement: { ...defaultKeyCase.replacement, _partitionKey: value },
  partitionKey: value,
});
const hierarchicalCase: CrudCase = {
  container: {
    partitionKey: {
      paths: ["/key", "/key2"],
      version: PartitionKeyDefinitionVersion.V2,
      kind: PartitionKeyKind.MultiHash,
    },
  },
  item: { name: "sample document", foo: "bar", key2: "value2", key: "value", replace: "new property" },
  replacement: { name: "replaced document", foo: "not bar", key2: "value2", key: "value", replace: "new property" },
  partitionKey: ["value", "value2"],
};

describe("item CRUD", () => {
  it("hierarchical partition key: create and list", async () => {
    const { container } = await database.containers.create({
      id: uniqueId("hierarchical"),
      partitionKey: {
        paths: ["/foo", "/key"],
        version: PartitionKeyDefinitionVersion.V2,
        kind: PartitionKeyKind.MultiHash,
      },
    });
    const { resources: before } = await container.items.readAll().fetchAll();
    const { resource: document } = await container.items.create<TestItem>({
      name: "sample document",
      foo: "bar",
      key: "value",
      replace: "new property",
    });
    expect(document?.name).toBe("sample document");
    expect(document?.id).toBeDefined();
    expect((await container.items.readAll().fetchAll()).resources.length).toBe(before.length + 1);
  });

  it("v1 container, default partition key", () => crud(defaultKeyCase, false));
  it("v1 container, default partition key, with upsert", () => crud(defaultKeyCase, true));
  it("v1 container, default partition key with values, several physical partitions", async () => {
    await crud(defaultKeyWithValue("aswww"), false);
    await crud(defaultKeyWithValue("asdfadsf"), false);
  });
  it("v1 container, default partition key with values, several physical partitions, with upsert", async () => {
    await crud(defaultKeyWithValue("aswww"), true);
    await crud(defaultKeyWithValue("asdfadsf"), true);
  });
  it("v2 container, hierarchical partition key", () => crud(hierarchicalCase, false));
  it("v2 container, hierarchical partition key, with upsert", () => crud(hierarchicalCase, true));
});

/** What the SDK sends for a document's key: its values, or {} (the "none" key) where absent. */
function partitionKeyOf(document: TestItem, definition: PartitionKeyDefinition): PartitionKey {
  return definition.paths.map((path) => {
    const value = (document as Record<string, unknown>)[path.slice(1)];
    return value === undefined ? {} : (value as string | number | boolean | null);
  }) as PartitionKey;
}

const withoutVolatile = ({ _etag, _ts, ...rest }: StoredItem): StoredItem => rest;
const byId = (a: StoredItem, b: StoredItem): number => a.id.localeCompare(b.id);

/** Items whose keys are absent, null, false, true, 1, "A" and "": write, read, list, replace, query, delete. */
async function keysOfEveryType(
  definition: PartitionKeyDefinition,
  singleDocumentQuery: string,
  parameters: (doc: TestItem) => Array<{ name: string; value: unknown }>,
): Promise<void> {
  const { container } = await database.containers.create(
    { id: uniqueId("col1"), partitionKey: definition },
    { offerThroughput: 12000 },
  );
  const documents: TestItem[] = [
    { id: "document1" },
    { id: "document2", key: null, key2: null, prop: 1 },
    { id: "document3", key: false, key2: false, prop: 1 },
    { id: "document4", key: true, key2: true, prop: 1 },
    { id: "document5", key: 1, key2: 1, prop: 1 },
    { id: "document6", key: "A", key2: "A", prop: 1 },
    { id: "document7", key: "", key2: "", prop: 1 },
  ];
  let stored = (
    await Promise.all(
      documents.map(async (doc) => (await container.items.create<TestItem>(doc)).resource as StoredItem),
    )
  ).sort(byId);
  expect(stored).toHaveLength(documents.length);

  await Promise.all(
    stored.map(async (doc) => {
      const { resource } = await container.item(doc.id, partitionKeyOf(doc, definition)).read<StoredItem>();
      expect(resource).toStrictEqual(doc);
    }),
  );
  const { resources: listed } = await container.items.readAll<StoredItem>().fetchAll();
  expect(JSON.stringify(listed.sort(byId))).toBe(JSON.stringify(stored));

  stored = await Promise.all(
    stored.map(async (doc) => {
      const changed = { ...doc, ...(doc.prop ? { prop: doc.prop + 1 } : {}) };
      const { resource } = await container.item(doc.id, partitionKeyOf(doc, definition)).replace<StoredItem>(changed);
      expect(withoutVolatile(resource!)).toStrictEqual(withoutVolatile(changed));
      return resource!;
    }),
  );

  for (const doc of stored) {
    const values = parameters(doc);
    if (values.some((p) => p.value === undefined)) continue;
    const { resources } = await container.items
      .query({ query: singleDocumentQuery, parameters: values as never })
      .fetchAll();
    expect(resources, `${singleDocumentQuery} ${JSON.stringify(values)}`).toHaveLength(1);
    expect(JSON.stringify(resources[0])).toBe(JSON.stringify(doc));
  }

  const { resources: all } = await container.items
    .query<StoredItem>({ query: "SELECT * FROM Root" }, { enableScanInQuery: true })
    .fetchAll();
  expect(JSON.stringify(all.sort(byId))).toBe(JSON.stringify(stored));

  await Promise.all(stored.map((doc) => container.item(doc.id, partitionKeyOf(doc, definition)).delete()));
  expect((await container.items.readAll().fetchAll()).resources).toHaveLength(0);
}

describe("item CRUD over keys of every type", () => {
  it("single partition key path", () =>
    keysOfEveryType({ paths: ["/key"] }, "SELECT * FROM root r WHERE r.key=@key", (doc) => [
      { name: "@key", value: doc.key },
    ]));

  it("hierarchical partition key", () =>
    keysOfEveryType(
      { paths: ["/key", "/key2"], version: PartitionKeyDefinitionVersion.V2, kind: PartitionKeyKind.MultiHash },
      "SELECT * FROM root r WHERE r.key=@key and r.key2=@key2",
      (doc) => [
        { name: "@key", value: doc.key },
        { name: "@key2", value: doc.key2 },
      ],
    ));

  it("generates an id for a container partitioned on /id", async () => {
    const { container } = await database.containers.create({ id: uniqueId("db1"), partitionKey: "/id" });
    const { resource } = await container.items.create({});
    expect(resource?.id).toBeTruthy();
  });

  it("answers 400 concurrent reads of one item", async () => {
    const { container } = await database.containers.create({ id: uniqueId("small container"), throughput: 400 });
    await container.items.create({ id: "readme" });
    const responses = await Promise.all(Array.from({ length: 400 }, () => container.item("readme").read()));
    expect(responses[0]?.statusCode).toBe(200);
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
  });
});

const mixedOperations: PatchOperation[] = [
  { op: "add", path: "/laster", value: "c" },
  { op: "replace", path: "/last", value: "b" },
  { op: "remove", path: "/removable" },
  { op: "set", path: "/existingObj/newKey", value: "newVal" },
  { op: "incr", path: "/num", value: 5 },
];

interface Patched {
  num: number;
  existingObj: { key: string; newKey?: string };
  laster?: string;
  last: string;
  removable?: string;
  newImproved?: string;
}

const expectMixedApplied = (item: Patched | undefined): void => {
  expect(item?.num).toBe(5);
  expect(item?.existingObj.newKey).toBe("newVal");
  expect(item?.laster).toBe("c");
  expect(item?.last).toBe("b");
  expect(item?.removable).toBeUndefined();
};

const patchable = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  first: 1,
  last: "a",
  removable: "yes",
  existingObj: { key: "val" },
  num: 0,
  ...extra,
});

describe("patch", () => {
  let container: Container;
  beforeAll(async () => {
    ({ container } = await database.containers.create({
      id: uniqueId("patchContainer"),
      partitionKey: { paths: ["/key"], version: 2 },
      throughput: 25100,
    }));
  });

  it("handles add, remove, replace, set and incr", async () => {
    const id = uniqueId("addItemId");
    await container.items.upsert(patchable(id));
    const { resource } = await container.item(id).patch<Patched>(mixedOperations);
    expectMixedApplied(resource);
  });

  it("patches when the condition holds", async () => {
    const id = uniqueId("conditionItemId");
    await container.items.upsert(patchable(id, { removable: "no" }));
    const { resource } = await container.item(id).patch<Patched>({
      condition: "from c where NOT IS_DEFINED(c.newImproved)",
      operations: [{ op: "add", path: "/newImproved", value: "it works" }],
    });
    expect(resource?.newImproved).toBe("it works");
  });

  it("a false condition is 412", async () => {
    const id = uniqueId("conditionItemId");
    await container.items.upsert(patchable(id, { newImproved: "already" }));
    const status = await statusOf(
      container.item(id).patch({
        condition: "from c where NOT IS_DEFINED(c.newImproved)",
        operations: [{ op: "add", path: "/x", value: 1 }],
      }),
    );
    expect(status).toBe(412);
  });
});

describe("patch with hierarchical partition keys", () => {
  let container: Container;
  beforeAll(async () => {
    ({ container } = await database.containers.create({
      id: uniqueId("patchContainer"),
      partitionKey: { paths: ["/key1", "/key2"], version: 2, kind: PartitionKeyKind.MultiHash },
      throughput: 25100,
    }));
  });

  it("handles add, remove, replace, set and incr with full, half and absent keys", async () => {
    const full = uniqueId("addItemId");
    const half = uniqueId("addItemWithOnePartitionKeyId");
    const none = uniqueId("addItemWithNoPartitionKeyId");
    await container.items.upsert(patchable(full, { key1: "asdf", key2: "dfs" }));
    await container.items.upsert(patchable(half, { key1: "sdfasdf", key2: undefined }));
    await container.items.upsert(patchable(none));

    expectMixedApplied((await container.item(full, ["asdf", "dfs"]).patch<Patched>(mixedOperations)).resource);
    expectMixedApplied(
      (await container.item(half, ["sdfasdf", undefined] as unknown as PartitionKey).patch<Patched>(mixedOperations))
        .resource,
    );
    expectMixedApplied(
      (await container.item(none, [undefined, undefined] as unknown as PartitionKey).patch<Patched>(mixedOperations))
        .resource,
    );
  });

  it("patches when the condition holds", async () => {
    const id = uniqueId("conditionItemId");
    await container.items.upsert(patchable(id, { key1: "sdfasdf", key2: undefined, removable: "no" }));
    const { resource } = await container.item(id, ["sdfasdf", undefined] as unknown as PartitionKey).patch<Patched>({
      condition: "from c where NOT IS_DEFINED(c.newImproved)",
      operations: [{ op: "add", path: "/newImproved", value: "it works" }],
    });
    expect(resource?.newImproved).toBe("it works");
  });
});
