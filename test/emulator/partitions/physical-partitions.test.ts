/**
 * Physical partitions in the emulator: how many ranges a container gets and where they split the
 * EPK space, the pkranges feed and its ETag, splits by offer replace, what survives a restart, and
 * routing by `x-ms-documentdb-partitionkeyrangeid`. Exact boundaries are the emulator's promise
 * (the service's own are its business), so these run against the emulator only; what Azure also
 * guarantees is in conformance/sdk-partitions.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type { Container, CosmosClient, PartitionKeyDefinition } from "@azure/cosmos";
import { afterAll, describe, expect, it } from "vitest";
import { rawRequest, startTestEmulator, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

// The SDK's own hashing and number encoding, by file path (its exports do not reach them): the oracle.
const sdkFile = (name: string): string =>
  path.join(process.cwd(), "node_modules/@azure/cosmos/dist/commonjs/utils/hashing", name);
const { hashPartitionKey } = createRequire(sdkFile("hash.js"))(sdkFile("hash.js")) as {
  hashPartitionKey(key: unknown[], definition: PartitionKeyDefinition): string;
};
const { writeNumberForBinaryEncodingBigInt } = createRequire(sdkFile("encoding/number.js"))(
  sdkFile("encoding/number.js"),
) as { writeNumberForBinaryEncodingBigInt(value: number): Uint8Array };

interface WireRange {
  id: string;
  minInclusive: string;
  maxExclusive: string;
  parents: string[];
}

async function rangesOf(container: Container): Promise<WireRange[]> {
  const { resources } = await container.readPartitionKeyRanges().fetchAll();
  return resources as unknown as WireRange[];
}

const pathOf = (container: Container): string => `/dbs/${container.database.id}/colls/${container.id}`;

/** A query sent as the SDK sends one, with `headers` added (a range id, a plan request, paging). */
const rawQuery = (container: Container, query: string, headers: Record<string, string> = {}) =>
  rawRequest(env.emulator, {
    method: "POST",
    path: `${pathOf(container)}/docs`,
    headers: { "x-ms-documentdb-isquery": "true", "content-type": "application/query+json", ...headers },
    body: { query },
  });

async function newContainer(
  client: CosmosClient,
  options: { throughput?: number; maxThroughput?: number; partitionKey?: PartitionKeyDefinition } = {},
): Promise<Container> {
  const { database } = await client.databases.create({ id: uniqueId("partitions") });
  const { partitionKey = { paths: ["/pk"] }, ...throughput } = options;
  return (await database.containers.create({ id: uniqueId("c"), partitionKey, ...throughput })).container;
}

async function raiseThroughput(container: Container, throughput: number, client = env.client): Promise<void> {
  const { resource: offer } = await container.readOffer();
  if (!offer?.id) throw new Error("the container has no offer");
  const content = { offerThroughput: throughput, offerIsRUPerMinuteThroughputEnabled: false };
  await client.offer(offer.id).replace({ ...offer, content });
}

/** The V2 EPK space [0, 2^126) split evenly into `count`, as 32 hex digits. */
const v2Boundary = (index: number, count: number): string =>
  ((2n ** 126n * BigInt(index)) / BigInt(count)).toString(16).toUpperCase().padStart(32, "0");

describe("ranges at creation", () => {
  it("gives a container ceil(throughput / 10,000) ranges, at least one", async () => {
    expect((await rangesOf(await newContainer(env.client, { throughput: 400 }))).map((r) => r.id)).toEqual(["0"]);
    expect(await rangesOf(await newContainer(env.client, { throughput: 10_000 }))).toHaveLength(1);
    expect(await rangesOf(await newContainer(env.client, { throughput: 10_100 }))).toHaveLength(2);
  });

  it("splits the V2 space evenly at 25,100 RU/s: ids 0, 1, 2", async () => {
    const ranges = await rangesOf(await newContainer(env.client, { throughput: 25_100 }));
    expect(
      ranges.map(({ id, minInclusive, maxExclusive, parents }) => ({ id, minInclusive, maxExclusive, parents })),
    ).toEqual([
      { id: "0", minInclusive: "", maxExclusive: v2Boundary(1, 3), parents: [] },
      { id: "1", minInclusive: v2Boundary(1, 3), maxExclusive: v2Boundary(2, 3), parents: [] },
      { id: "2", minInclusive: v2Boundary(2, 3), maxExclusive: "FF", parents: [] },
    ]);
  });

  it("counts autoscale by its maximum throughput", async () => {
    expect(await rangesOf(await newContainer(env.client, { maxThroughput: 40_000 }))).toHaveLength(4);
  });

  it("partitions a container of a shared-throughput database by the database's throughput", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("shared"), throughput: 30_000 });
    const { container } = await database.containers.create({ id: uniqueId("c"), partitionKey: { paths: ["/pk"] } });
    expect(await rangesOf(container)).toHaveLength(3);
  });

  it("splits a V1 container by its 32-bit hash, boundaries in the service's number encoding", async () => {
    const container = await newContainer(env.client, {
      throughput: 20_000,
      partitionKey: { paths: ["/pk"], version: 1 },
    });
    const middle = Buffer.from(writeNumberForBinaryEncodingBigInt(2 ** 31))
      .toString("hex")
      .toUpperCase();
    expect((await rangesOf(container)).map((r) => [r.minInclusive, r.maxExclusive])).toEqual([
      ["", middle],
      [middle, "FF"],
    ]);
  });
});

describe("the pkranges feed and splits", () => {
  it("answers If-None-Match with 304 until a split, then lists the children naming their parent", async () => {
    const container = await newContainer(env.client, { throughput: 25_100 });
    const feed = `${pathOf(container)}/pkranges`;
    const first = await rawRequest(env.emulator, { method: "GET", path: feed });
    const etag = first.headers.etag as string;
    const unchanged = await rawRequest(env.emulator, { method: "GET", path: feed, headers: { "if-none-match": etag } });
    expect(unchanged.status).toBe(304);

    await raiseThroughput(container, 40_000);
    const after = await rawRequest(env.emulator, { method: "GET", path: feed, headers: { "if-none-match": etag } });
    expect(after.status).toBe(200);
    expect(after.headers.etag).not.toBe(etag);
    const ranges = (after.body as { PartitionKeyRanges: WireRange[] }).PartitionKeyRanges;
    // The widest range, "0", splits in two: "3" and "4" take its halves.
    expect(ranges.map(({ id, parents }) => ({ id, parents }))).toEqual([
      { id: "3", parents: ["0"] },
      { id: "4", parents: ["0"] },
      { id: "1", parents: [] },
      { id: "2", parents: [] },
    ]);
    expect(ranges[0]?.minInclusive).toBe("");
    expect(ranges[0]?.maxExclusive).toBe(ranges[1]?.minInclusive);
    expect(ranges[1]?.maxExclusive).toBe(v2Boundary(1, 3));
  });

  it("splits the containers of a shared-throughput database when the database's throughput goes up", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("shared"), throughput: 10_000 });
    const { container } = await database.containers.create({ id: uniqueId("c"), partitionKey: { paths: ["/pk"] } });
    expect(await rangesOf(container)).toHaveLength(1);
    const { resource: offer } = await database.readOffer();
    if (!offer?.id) throw new Error("the database has no offer");
    const content = { offerThroughput: 20_000, offerIsRUPerMinuteThroughputEnabled: false };
    await env.client.offer(offer.id).replace({ ...offer, content });
    expect((await rangesOf(container)).map(({ id, parents }) => ({ id, parents }))).toEqual([
      { id: "1", parents: ["0"] },
      { id: "2", parents: ["0"] },
    ]);
  });

  it("never merges ranges when throughput goes down", async () => {
    const container = await newContainer(env.client, { throughput: 25_100 });
    await raiseThroughput(container, 400);
    expect(await rangesOf(container)).toHaveLength(3);
  });

  it("answers a request to a range that split with 410, substatus 1002, and the service's message", async () => {
    const container = await newContainer(env.client, { throughput: 25_100 });
    await raiseThroughput(container, 40_000);
    const reply = await rawQuery(container, "SELECT * FROM c", { "x-ms-documentdb-partitionkeyrangeid": "0" });
    expect(reply.status).toBe(410);
    expect(reply.headers["x-ms-substatus"]).toBe("1002");
    expect((reply.body as { message: string }).message).toContain("PartitionKeyRange with id '0' in collection");
  });
});

describe("ranges survive a restart with a data path", () => {
  const dataPath = mkdtempSync(path.join(os.tmpdir(), "partition-ranges-"));
  afterAll(() => rmSync(dataPath, { recursive: true, force: true }));

  it("reports the same ranges, splits included, after the emulator restarts", async () => {
    const first = await startTestEmulator({ dataPath });
    let before: WireRange[];
    let names: { database: string; container: string };
    try {
      const container = await newContainer(first.client, { throughput: 25_100 });
      await raiseThroughput(container, 40_000, first.client);
      before = await rangesOf(container);
      names = { database: container.database.id, container: container.id };
    } finally {
      await first.stop();
    }
    const second = await startTestEmulator({ dataPath });
    try {
      const container = second.client.database(names.database).container(names.container);
      expect(await rangesOf(container)).toEqual(before);
      expect(before).toHaveLength(4);
    } finally {
      await second.stop();
    }
  });
});

describe("routing by partition key range", () => {
  const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
  let container: Container;
  let ranges: WireRange[];

  const queryRange = (rangeId: string, query = "SELECT * FROM c") =>
    rawQuery(container, query, { "x-ms-documentdb-partitionkeyrangeid": rangeId });

  it("answers a range's query with exactly the items whose EPK it holds", async () => {
    container = await newContainer(env.client, { throughput: 25_100 });
    for (const pk of keys) await container.items.create({ id: pk, pk });
    ranges = await rangesOf(container);
    const definition = { paths: ["/pk"], kind: "Hash", version: 2 } as PartitionKeyDefinition;
    const seen: string[] = [];
    for (const range of ranges) {
      const reply = await queryRange(range.id);
      const ids = (reply.body as { Documents: { id: string }[] }).Documents.map((d) => d.id);
      const expected = keys.filter((pk) => {
        const epk = hashPartitionKey([pk], definition);
        return epk >= range.minInclusive && epk < range.maxExclusive;
      });
      expect(ids.sort()).toEqual(expected.sort());
      seen.push(...ids);
    }
    expect(seen.sort()).toEqual([...keys].sort());
  });

  it("names the EPK point in the query plan when the WHERE fixes the partition key, else the whole space", async () => {
    const plan = (query: string) => rawQuery(container, query, { "x-ms-cosmos-is-query-plan-request": "true" });
    const epk = hashPartitionKey(["key-7"], { paths: ["/pk"], kind: "Hash", version: 2 } as PartitionKeyDefinition);
    expect(((await plan("SELECT * FROM c WHERE c.pk = 'key-7'")).body as { queryRanges: unknown }).queryRanges).toEqual(
      [{ min: epk, max: epk, isMinInclusive: true, isMaxInclusive: true }],
    );
    expect(((await plan("SELECT * FROM c WHERE c.n > 1")).body as { queryRanges: unknown }).queryRanges).toEqual([
      { min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false },
    ]);
  });

  it("names a hierarchical prefix's EPK range in the query plan", async () => {
    const definition = { paths: ["/tenant", "/user"], kind: "MultiHash", version: 2 } as PartitionKeyDefinition;
    const hierarchical = await newContainer(env.client, { throughput: 25_100, partitionKey: definition });
    const reply = await rawQuery(hierarchical, "SELECT * FROM c WHERE c.tenant = 'contoso'", {
      "x-ms-cosmos-is-query-plan-request": "true",
    });
    const min = hashPartitionKey(["contoso"], definition);
    expect((reply.body as { queryRanges: unknown }).queryRanges).toEqual([
      { min, max: `${min}FF`, isMinInclusive: true, isMaxInclusive: false },
    ]);
  });

  it("refuses a bulk request whose operation belongs to another range, naming the fix", async () => {
    const definition = { paths: ["/pk"], kind: "Hash", version: 2 } as PartitionKeyDefinition;
    const outsider = keys.find((pk) => hashPartitionKey([pk], definition) >= (ranges[1]?.minInclusive ?? ""));
    const reply = await rawRequest(env.emulator, {
      method: "POST",
      path: `${pathOf(container)}/docs`,
      headers: {
        "x-ms-cosmos-is-batch-request": "true",
        "x-ms-cosmos-batch-atomic": "false",
        "x-ms-documentdb-partitionkeyrangeid": "0",
      },
      body: [{ operationType: "Read", id: outsider, partitionKey: JSON.stringify([outsider]) }],
    });
    expect(reply.status).toBe(400);
    expect((reply.body as { message: string }).message).toContain("does not belong to partition key range '0'");
  });

  it("answers a range's read feed with exactly its items", async () => {
    const all: string[] = [];
    for (const range of ranges) {
      const reply = await rawRequest(env.emulator, {
        method: "GET",
        path: `${pathOf(container)}/docs`,
        headers: { "x-ms-documentdb-partitionkeyrangeid": range.id },
      });
      all.push(...(reply.body as { Documents: { id: string }[] }).Documents.map((d) => d.id));
    }
    expect(all.sort()).toEqual([...keys].sort());
  });

  it("resumes a parent's continuation on its children after a split: every remaining item once", async () => {
    const split = await newContainer(env.client, { throughput: 25_100 });
    for (const pk of keys) await split.items.create({ id: pk, pk });
    const parent = (await rangesOf(split))[0] as WireRange;
    const page = (rangeId: string, continuation?: string) =>
      rawQuery(split, "SELECT * FROM c", {
        "x-ms-documentdb-partitionkeyrangeid": rangeId,
        "x-ms-max-item-count": "3",
        ...(continuation === undefined ? {} : { "x-ms-continuation": continuation }),
      });
    const idsOf = (reply: { body: unknown }) =>
      (reply.body as { Documents: { id: string }[] }).Documents.map((d) => d.id);
    const first = await page(parent.id);
    const token = first.headers["x-ms-continuation"] as string;
    expect(idsOf(first)).toHaveLength(3);

    await raiseThroughput(split, 40_000);
    const children = (await rangesOf(split)).filter((range) => range.parents.includes(parent.id));
    expect(children).toHaveLength(2);
    const rest: string[] = [];
    for (const child of children) {
      let continuation: string | undefined = token;
      do {
        const reply = await page(child.id, continuation);
        rest.push(...idsOf(reply));
        continuation = reply.headers["x-ms-continuation"] as string | undefined;
      } while (continuation !== undefined);
    }
    const definition = { paths: ["/pk"], kind: "Hash", version: 2 } as PartitionKeyDefinition;
    const parentKeys = keys.filter((pk) => {
      const epk = hashPartitionKey([pk], definition);
      return epk >= parent.minInclusive && epk < parent.maxExclusive;
    });
    expect([...idsOf(first), ...rest].sort()).toEqual(parentKeys.sort());
  });
});
