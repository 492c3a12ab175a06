/**
 * Conformance: the scenarios of @azure/cosmos's own `test/public/functional/container.spec.ts`
 * (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos), rewritten for the embedded emulator.
 */
import {
  GeospatialType,
  IndexingMode,
  SpatialType,
  StatusCodes,
  type Container,
  type ContainerDefinition,
  type ContainerRequest,
  type Database,
  type IndexingPolicy,
} from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { statusOf, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

const newDatabase = async (name: string, throughput?: number): Promise<Database> =>
  (await env.client.databases.create({ id: uniqueId(name), ...(throughput ? { throughput } : {}) })).database;

async function containerCrud(partitionKey?: string): Promise<void> {
  const database = await newDatabase("Validate Container CRUD");
  const request: ContainerRequest = {
    id: "sample container",
    indexingPolicy: { indexingMode: IndexingMode.consistent },
    throughput: 400,
  };
  if (partitionKey) request.partitionKey = partitionKey;
  const { resource: created } = await database.containers.create(request);
  const definition = created!;
  const container = database.container(definition.id);
  expect(definition.id).toBe("sample container");
  expect(definition.indexingPolicy?.indexingMode).toBe("consistent");
  if (partitionKey) expect(definition.partitionKey?.paths).toEqual([partitionKey]);

  const { resources: containers } = await database.containers.readAll().fetchAll();
  expect(containers).toHaveLength(1);
  const { resources: found } = await database.containers
    .query({ query: "SELECT * FROM root r WHERE r.id=@id", parameters: [{ name: "@id", value: "sample container" }] })
    .fetchAll();
  expect(found.length).toBeGreaterThan(0);
  const { resources: ranges } = await container.readPartitionKeyRanges().fetchAll();
  expect(ranges.length).toBeGreaterThan(0);

  // Replacing the indexing policy (a spatial index with a bounding box, geometry) is allowed.
  definition.indexingPolicy!.spatialIndexes = [
    { path: "/region/?", types: [SpatialType.Polygon], boundingBox: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 } },
  ];
  expect(definition.geospatialConfig).toBeDefined();
  definition.geospatialConfig!.type = GeospatialType.Geometry;
  await container.replace(definition);

  // Replacing the partition key is not allowed.
  const originalKey = definition.partitionKey;
  definition.partitionKey = { paths: ["/key"] };
  expect(await statusOf(container.replace(definition))).toBe(400);
  definition.partitionKey = originalKey;

  // Replacing the id is not allowed.
  definition.id = "try_to_replace_id";
  expect(await statusOf(container.replace(definition))).toBe(400);
  definition.id = "sample container";

  expect((await container.read()).resource?.id).toBe("sample container");
  await container.delete();
  expect(await statusOf(container.read())).toBe(404);
}

describe("container CRUD", () => {
  it("with the default partition key", () => containerCrud());
  it("with a custom partition key (/id)", () => containerCrud("/id"));

  it("refuses a partition key definition whose paths is a string (400)", async () => {
    const database = await newDatabase("container CRUD bad partition key");
    const badDefinition = { paths: "/id" } as unknown as ContainerRequest["partitionKey"];
    expect(
      await statusOf(
        database.containers.create({
          id: "sample container",
          indexingPolicy: { indexingMode: IndexingMode.consistent },
          partitionKey: badDefinition,
        }),
      ),
    ).toBe(400);
  });

  it("refuses a partition key without a leading '/' (the SDK refuses before sending)", async () => {
    const database = await newDatabase("container CRUD bad partition key");
    await expect(database.containers.create({ id: "sample container", partitionKey: "id" })).rejects.toThrow(
      "Partition key must start with '/'",
    );
  });
});

describe("indexing policy", () => {
  it("creates containers with the requested indexing policy", async () => {
    const database = await newDatabase("container test database");
    const { resource: plain, container: plainContainer } = await database.containers.create({
      id: "container test container",
    });
    expect(plain?.indexingPolicy?.indexingMode).toBe(IndexingMode.consistent);
    await plainContainer.delete();

    const { resource: unique, container: uniqueContainer } = await database.containers.create({
      id: "uniqueKeysContainer",
      uniqueKeyPolicy: { uniqueKeys: [{ paths: ["/foo"] }] },
    });
    expect(unique?.uniqueKeyPolicy?.uniqueKeys[0]?.paths).toEqual(["/foo"]);
    await uniqueContainer.delete();

    const { resource: consistent, container: consistentContainer } = await database.containers.create({
      id: "lazy container",
      indexingPolicy: { indexingMode: "consistent" } as IndexingPolicy,
    });
    expect(consistent?.indexingPolicy?.indexingMode).toBe(IndexingMode.consistent);
    await consistentContainer.delete();

    const { resource: withPolicy } = await database.containers.create({
      id: "containerWithIndexingPolicy",
      indexingPolicy: {
        automatic: true,
        indexingMode: IndexingMode.consistent,
        includedPaths: [{ path: "/*" }],
        excludedPaths: [{ path: '/"systemMetadata"/*' }],
      },
    });
    const policy = withPolicy!.indexingPolicy!;
    expect(policy.includedPaths).toHaveLength(1);
    expect(policy.includedPaths?.[0]?.path).toBe("/*");
    // The service adds the system path /"_etag"/? to the excluded paths.
    expect(policy.excludedPaths).toHaveLength(2);
    expect(policy.excludedPaths?.[0]?.path).toBe('/"systemMetadata"/*');
  });

  const expectDefaultPaths = (policy: IndexingPolicy | undefined): void => {
    expect(policy?.excludedPaths).toHaveLength(1);
    expect(policy?.includedPaths).toHaveLength(1);
    expect(policy?.includedPaths?.[0]?.path).toBe("/*");
  };

  it("fills in the default indexing policy paths", async () => {
    const database = await newDatabase("container test database");
    const none = await database.containers.create({ id: "TestCreateDefaultPolicy01" });
    expectDefaultPaths(none.resource?.indexingPolicy);
    const empty = await database.containers.create({ id: "TestCreateDefaultPolicy03", indexingPolicy: {} });
    expectDefaultPaths(empty.resource?.indexingPolicy);
    const missingIndexes = await database.containers.create({
      id: "TestCreateDefaultPolicy04",
      indexingPolicy: { includedPaths: [{ path: "/*" }] },
    });
    expectDefaultPaths(missingIndexes.resource?.indexingPolicy);
    const missingPrecision = await database.containers.create({
      id: "TestCreateDefaultPolicy05",
      indexingPolicy: {
        includedPaths: [
          {
            path: "/*",
            indexes: [
              { kind: "Range", dataType: "String" },
              { kind: "Range", dataType: "Number" },
            ],
          },
        ],
      } as IndexingPolicy,
    });
    expectDefaultPaths(missingPrecision.resource?.indexingPolicy);
  });
});

describe("response headers", () => {
  it("reports index transformation progress (and no lazy indexing progress) when quota info is asked for", async () => {
    const database = await newDatabase("Validate response headers");
    for (const definition of [
      { id: "consistent_coll" },
      { id: "none_coll", indexingPolicy: { indexingMode: IndexingMode.none, automatic: false } },
    ] satisfies ContainerDefinition[]) {
      const { container } = await database.containers.create(definition);
      const { headers } = await container.read({ populateQuotaInfo: true });
      expect(headers["x-ms-documentdb-collection-index-transformation-progress"]).toBeDefined();
      expect(headers["x-ms-documentdb-collection-lazy-indexing-progress"]).toBeUndefined();
    }
  });
});

describe("containers.createIfNotExists", () => {
  let database: Database;
  beforeAll(async () => {
    database = await newDatabase("containers.createIfNotExists");
  });

  it("creates a container that does not exist", async () => {
    const { container } = await database.containers.createIfNotExists({ id: "does not exist" });
    expect((await container.read()).resource?.id).toBe("does not exist");
  });

  it("returns a container that exists", async () => {
    await database.containers.create({ id: "does exist" });
    const { container } = await database.containers.createIfNotExists({ id: "does exist" });
    expect((await container.read()).resource?.id).toBe("does exist");
  });
});

describe("container.readOffer", () => {
  let withOffer: Container;
  let withoutOffer: Container;
  let withOffer2: Container;
  let withoutOffer2: Container;
  beforeAll(async () => {
    withOffer = (await (await newDatabase("offerContainer")).containers.create({ id: "sample", throughput: 400 }))
      .container;
    withoutOffer = (await (await newDatabase("container")).containers.create({ id: "sample-offerless" })).container;
    const offerDatabase = await newDatabase("has offer");
    withOffer2 = (await offerDatabase.containers.create({ id: "sample", throughput: 400 })).container;
    withoutOffer2 = (await offerDatabase.containers.create({ id: "sample-offerless" })).container;
  });

  const offerBelongsToContainer = async (container: Container): Promise<void> => {
    const { resource: offer } = await container.readOffer();
    const { resource: definition } = await container.read();
    expect(offer?.offerResourceId).toBe(definition?._rid);
  };

  it("a container with throughput has its own offer", () => offerBelongsToContainer(withOffer));
  it("a container created without throughput gets the default offer", () => offerBelongsToContainer(withoutOffer));
  it("a second container without throughput in the same account gets its own offer", () =>
    offerBelongsToContainer(withoutOffer2));
  it("a second container with throughput has its own offer", () => offerBelongsToContainer(withOffer2));
});

describe("container.create with autoscale", () => {
  it("keeps maxThroughput in the offer's autopilot settings", async () => {
    const database = await newDatabase("autoscale test");
    const { container } = await database.containers.create({ id: "sample", maxThroughput: 50000 });
    const { resource: offer } = await container.readOffer();
    expect(offer?.content?.offerAutopilotSettings?.maxThroughput).toBe(50000);
  });

  it("refuses maxThroughput together with throughput", async () => {
    const database = await newDatabase("autoscale test");
    // The SDK refuses it before any request is sent.
    await expect(database.containers.create({ id: "sample", throughput: 400, maxThroughput: 400 })).rejects.toThrow(
      "Cannot specify `throughput` with `maxThroughput`",
    );
  });
});

describe("container.deleteAllItemsForPartitionKey", () => {
  async function deletesOnlyThatPartition(container: Container): Promise<void> {
    const { resource: one } = await container.items.create({ id: "1", key: "value", pk: "pk" });
    const { resource: two } = await container.items.create({ id: "2", key: "value", pk: "pk" });
    const { resource: three } = await container.items.create({ id: "3", key: "value", pk: "rk" });
    await container.deleteAllItemsForPartitionKey("pk");
    // Upstream reads without a partition key (the SDK then sends the "none" key).
    expect((await container.item(one!.id).read()).statusCode).toBe(StatusCodes.NotFound);
    expect((await container.item(two!.id).read()).statusCode).toBe(StatusCodes.NotFound);
    // And with it: the deleted partition is empty, the other one untouched.
    expect((await container.item(one!.id, "pk").read()).statusCode).toBe(StatusCodes.NotFound);
    expect((await container.item(three!.id, "rk").read()).resource?.id).toBe(three!.id);
  }

  it("deletes every item of one partition key value", async () => {
    const database = await newDatabase("container");
    const { container } = await database.containers.create({ id: uniqueId("container"), partitionKey: "/pk" });
    await deletesOnlyThatPartition(container);
  });

  it("deletes every item of one partition key value in a multi-partition (v2, 10500 RU/s) container", async () => {
    const database = await newDatabase("container");
    const { container } = await database.containers.create({
      id: uniqueId("container"),
      partitionKey: { paths: ["/pk"], version: 2 },
      throughput: 10500,
    });
    await deletesOnlyThatPartition(container);
  });
});
