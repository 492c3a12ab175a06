/** Containers: create, read, list, query, replace, delete; their partition key ranges; delete by partition key. */
import { Header } from "../http/headers";
import { byteSize, metadataCharge, writeCharge } from "../operations/charges";
import { CosmosError, badRequest, conflict } from "../cosmos-error";
import { header, jsonBody, type EmulatorContext, type EmulatorRequest, type Handler, type Reply } from "../http/server";
import { canonicalKey, normalizeDefinition, parsePartitionKey, requireFullKey } from "../store/partition-key";
import {
  invalidTtlReason,
  newContainerRid,
  newEtag,
  nowSeconds,
  type Json,
  type StoredContainer,
  type WithId,
} from "../store/stored-resources";
import type { Container, Mutation } from "../store/store";
import { initialRanges, partitionCountFor, type PartitionKeyRange } from "../store/partition-key-ranges";
import { withStagedPartition } from "../operations/transactions";
import { withMetadataLock } from "../operations/locks";
import { requireValidId } from "./databases";
import { feedReply, queryReply, resourceReply } from "./feeds";
import { offerDeletion, offerMutation, requestedThroughput } from "./offers";

/** The service always excludes the ETag system path from indexing and lists it. */
const ETAG_PATH = '/"_etag"/?';

/** The indexing policy as the service stores it: defaults filled in, the `_etag` path excluded. */
function normalizeIndexingPolicy(input: unknown): Json {
  const given = (input !== null && typeof input === "object" ? input : {}) as Json;
  const indexingMode = typeof given.indexingMode === "string" ? given.indexingMode.toLowerCase() : "consistent";
  if (indexingMode === "none")
    return { ...given, indexingMode, automatic: false, includedPaths: [], excludedPaths: [] };
  const includedPaths =
    Array.isArray(given.includedPaths) && given.includedPaths.length > 0 ? given.includedPaths : [{ path: "/*" }];
  const excluded = (Array.isArray(given.excludedPaths) ? given.excludedPaths : []) as { path?: unknown }[];
  const excludedPaths = excluded.some((p) => p.path === ETAG_PATH) ? excluded : [...excluded, { path: ETAG_PATH }];
  return { ...given, indexingMode, automatic: given.automatic ?? true, includedPaths, excludedPaths };
}

/** The throughput a container gets on the service when neither it nor its database asks for any. */
const DEFAULT_CONTAINER_THROUGHPUT = { offerThroughput: 400, offerIsRUPerMinuteThroughputEnabled: false };

/** The stored container: what the client sent, with the service's defaults and system properties; a replaced one keeps its `_rid`. */
function containerResource(body: WithId, databaseRid: string, previous?: StoredContainer): StoredContainer {
  const rid = previous?._rid ?? newContainerRid(databaseRid);
  const { _rid, _self, _etag, _ts, _docs, _sprocs, _triggers, _udfs, _conflicts, ...settings } = body;
  return {
    uniqueKeyPolicy: { uniqueKeys: [] },
    conflictResolutionPolicy: {
      mode: "LastWriterWins",
      conflictResolutionPath: "/_ts",
      conflictResolutionProcedure: "",
    },
    geospatialConfig: { type: "Geography" },
    ...settings,
    indexingPolicy: normalizeIndexingPolicy(settings.indexingPolicy),
    partitionKey: normalizeDefinition(body.partitionKey),
    _rid: rid,
    _ts: nowSeconds(),
    _self: `dbs/${databaseRid}/colls/${rid}/`,
    _etag: newEtag(),
    _docs: "docs/",
    _sprocs: "sprocs/",
    _triggers: "triggers/",
    _udfs: "udfs/",
    _conflicts: "conflicts/",
  };
}

const reply = (status: number, container: Container): Reply => ({
  ...resourceReply(status, container.resource),
  lsn: container.lsn,
});

/** A container body: a valid id and, when present, a valid defaultTtl (null counts as absent). */
function requireValidContainer(body: unknown): WithId {
  const container = requireValidId(body);
  const reason = container.defaultTtl == null ? undefined : invalidTtlReason("defaultTtl", container.defaultTtl);
  if (reason) throw badRequest(reason);
  return container;
}

export const createContainer: Handler = (context, request) => {
  const body = requireValidContainer(jsonBody(request));
  const throughput = requestedThroughput(request);
  return withMetadataLock(context, async () => {
    const databaseId = request.params.db ?? "";
    const database = context.store.database(databaseId);
    if (database.containers.has(body.id)) throw conflict();
    const resource = containerResource(body, database.rid);
    const mutations: Mutation[] = [{ type: "putContainer", databaseId, container: resource }];
    const databaseOffer = context.store.offerFor(database.resource._self);
    const content = throughput ?? (databaseOffer ? undefined : DEFAULT_CONTAINER_THROUGHPUT);
    if (content) mutations.push(offerMutation(resource, content));
    // A container in a shared-throughput database is partitioned by the database's throughput.
    const partitions = partitionCountFor(content ?? databaseOffer?.content);
    if (partitions > 1) {
      const ranges = initialRanges(partitions, resource.partitionKey);
      mutations.push({ type: "putPartitionKeyRanges", databaseId, containerId: resource.id, ranges });
    }
    await context.store.commit(mutations);
    return reply(201, context.store.container(databaseId, body.id));
  });
};

const containerOf = (context: EmulatorContext, request: EmulatorRequest): Container =>
  context.store.container(request.params.db ?? "", request.params.coll ?? "");

export const readContainer: Handler = (context, request) => {
  const container = containerOf(context, request);
  const answer = reply(200, container);
  if (header(request, Header.populateQuotaInfo)?.toLowerCase() !== "true") return answer;
  // Indexing is synchronous here, so a transformation is always complete (100%).
  const quota = `documentsSize=10485760;documentsCount=-1;collectionSize=10485760`;
  const usage = `documentsSize=${Math.ceil(byteSize([...container.allItems()]) / 1024)};documentsCount=${container.itemCount()};collectionSize=0`;
  return {
    ...answer,
    headers: {
      ...answer.headers,
      [Header.indexTransformationProgress]: "100",
      [Header.resourceQuota]: quota,
      [Header.resourceUsage]: usage,
    },
  };
};

const allContainers = (context: EmulatorContext, request: EmulatorRequest): StoredContainer[] =>
  [...context.store.database(request.params.db ?? "").containers.values()].map((container) => container.resource);

export const listContainers: Handler = (context, request) =>
  feedReply(
    request,
    context.store.database(request.params.db ?? "").rid,
    "DocumentCollections",
    allContainers(context, request),
    1,
  );

export const queryContainers: Handler = (context, request) =>
  queryReply(
    request,
    context.store.database(request.params.db ?? "").rid,
    "DocumentCollections",
    allContainers(context, request),
  );

export const replaceContainer: Handler = (context, request) => {
  const body = requireValidContainer(jsonBody(request));
  return withMetadataLock(context, async () => {
    const container = containerOf(context, request);
    if (body.id !== container.id)
      throw badRequest("The id in the request body does not match the container being replaced.");
    const ifMatch = header(request, Header.ifMatch);
    if (ifMatch !== undefined && ifMatch !== container.resource._etag) {
      throw new CosmosError(412, "The container was changed since it was read.");
    }
    const databaseRid = context.store.database(container.databaseId).rid;
    const next = containerResource(
      { ...body, partitionKey: body.partitionKey ?? container.definition },
      databaseRid,
      container.resource,
    );
    if (JSON.stringify(next.partitionKey) !== JSON.stringify(container.definition)) {
      throw badRequest("The partition key of a container cannot be changed.");
    }
    await context.store.commit([{ type: "putContainer", databaseId: container.databaseId, container: next }]);
    return reply(200, container);
  });
};

export const deleteContainer: Handler = (context, request) =>
  withMetadataLock(context, async () => {
    const container = containerOf(context, request);
    await context.store.commit([
      ...offerDeletion(context.store, container.resource),
      { type: "deleteContainer", databaseId: container.databaseId, id: container.id },
    ]);
    return { status: 204, charge: metadataCharge(0) };
  });

/**
 * `GET .../pkranges`: the container's physical partitions. The ETag changes with every split, so
 * `If-None-Match` with the current one gets 304, which ends the SDK's refresh loop, and a refresh
 * after a split sees the children (naming their parents) and no longer the parent.
 */
export const readPartitionKeyRanges: Handler = (context, request): Reply => {
  const container = containerOf(context, request);
  const { version, ranges } = container.partitionKeyRanges;
  const etag = `"pkranges-${container.rid}-${version}"`;
  if (header(request, Header.ifNoneMatch) === etag) return { status: 304, headers: { [Header.etag]: etag } };
  const feed = ranges.map((range) => rangeResource(container, range, etag, 1 / ranges.length));
  return {
    status: 200,
    body: { _rid: container.rid, PartitionKeyRanges: feed, _count: feed.length },
    headers: { [Header.etag]: etag, [Header.itemCount]: String(feed.length) },
    charge: 1,
  };
};

/** One range as the service lists it; the hash-space positions stay inside the emulator. */
function rangeResource(container: Container, range: PartitionKeyRange, etag: string, throughputFraction: number): Json {
  const ridSuffix = Buffer.alloc(7);
  ridSuffix.writeUInt32LE(Number(range.id) + 2, 0);
  return {
    _rid: `${container.rid}${ridSuffix.toString("base64").replace(/\//g, "-")}`,
    id: range.id,
    _etag: etag,
    minInclusive: range.minInclusive,
    maxExclusive: range.maxExclusive,
    ridPrefix: Number(range.id),
    _self: `${container.resource._self}pkranges/${range.id}/`,
    throughputFraction,
    status: "online",
    parents: range.parents,
    _ts: container.resource._ts,
    _lsn: container.lsn,
  };
}

/** `POST .../operations/partitionkeydelete`: removes every item of one logical partition, atomically. */
export const deleteAllItemsForPartitionKey: Handler = async (context, request) => {
  const container = containerOf(context, request);
  const value = parsePartitionKey(header(request, Header.partitionKey) ?? "");
  requireFullKey(value, container.definition);
  const key = canonicalKey(value);
  const scope = { store: context.store, locks: context.locks, databaseId: container.databaseId, container };
  const charge = await withStagedPartition(scope, key, (staged) => {
    let total = 0;
    for (const [id, item] of container.partitions.get(key) ?? []) {
      total += writeCharge(byteSize(item));
      staged.delete(id);
    }
    return { value: total, commit: true };
  });
  return { status: 200, charge: Math.round(charge * 100) / 100, lsn: container.lsn };
};
