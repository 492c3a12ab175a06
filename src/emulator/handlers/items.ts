/**
 * Items: point operations, feeds, queries (and their query plans), transactional batch, bulk.
 * `POST .../docs` carries six different operations told apart by headers; routes.ts lists them.
 */
import { Header } from "../http/headers";
import { badRequest, CosmosError } from "../cosmos-error";
import {
  header,
  headerIs,
  jsonBody,
  type EmulatorContext,
  type EmulatorRequest,
  type Handler,
  type Reply,
} from "../http/server";
import {
  executeOperation,
  partitionTarget,
  type ItemOperation,
  type ItemOperationOutcome,
  type PartitionTarget,
  type Preconditions,
} from "../operations/item-operations";
import {
  canonicalKey,
  isPrefixOf,
  parsePartitionKey,
  partitionKeyOf,
  pathSegments,
  type PartitionKeyValue,
} from "../store/partition-key";
import { parsePatchRequest } from "../operations/patch";
import type { Json, StoredItem } from "../store/stored-resources";
import type { Container } from "../store/store";
import { withStagedPartition } from "../operations/transactions";
import {
  parseBatchBody,
  executeBulk,
  runTransactionalBatch,
  type BatchResult,
  type ItemScope,
} from "../operations/transactional-batch";
import { feedReply, queryReply } from "./feeds";
import { loadQueryEngine } from "../operations/query-engine";
import { effectivePartitionKey, loadPartitionHashing, prefixRange } from "../store/effective-partition-key";
import { itemsInEpkRange, partitionInRange, type EpkRange } from "../store/range-routing";
import {
  childFeedToken,
  childQueryToken,
  gatewayRefusal,
  requestedRange,
  requireOperationsInRange,
  resumeToken,
  withRangedContinuation,
} from "./range-requests";

export const isQuery = (request: EmulatorRequest): boolean =>
  headerIs(request, Header.isQuery) || (header(request, Header.contentType) ?? "").startsWith("application/query+json");
export const isQueryPlan = (request: EmulatorRequest): boolean => headerIs(request, Header.isQueryPlanRequest);
export const isBatch = (request: EmulatorRequest): boolean => headerIs(request, Header.isBatchRequest);
export const isAtomicBatch = (request: EmulatorRequest): boolean =>
  isBatch(request) && headerIs(request, Header.batchAtomic);
export const isBulk = (request: EmulatorRequest): boolean => isBatch(request) && !headerIs(request, Header.batchAtomic);

function scopeOf(context: EmulatorContext, request: EmulatorRequest): ItemScope {
  const databaseId = request.params.db ?? "";
  const container = context.store.container(databaseId, request.params.coll ?? "");
  return {
    store: context.store,
    locks: context.locks,
    databaseId,
    container,
    databaseRid: context.store.database(databaseId).rid,
  };
}

function headerPartitionKey(request: EmulatorRequest): PartitionKeyValue | undefined {
  const raw = header(request, Header.partitionKey);
  return raw === undefined ? undefined : parsePartitionKey(raw);
}

/** The logical partition a point operation targets: the header's, or for a body without header the body's. */
function targetOf(scope: ItemScope, request: EmulatorRequest, body?: unknown): PartitionTarget {
  const value =
    headerPartitionKey(request) ?? (body === undefined ? undefined : partitionKeyOf(body, scope.container.definition));
  if (value === undefined) {
    throw badRequest(
      "PartitionKey value must be supplied for this operation. Set the x-ms-documentdb-partitionkey header.",
    );
  }
  return partitionTarget(scope.container, scope.databaseRid, value);
}

const conditions = (request: EmulatorRequest): Preconditions => ({
  ifMatch: header(request, Header.ifMatch),
  ifNoneMatch: header(request, Header.ifNoneMatch),
});

/**
 * The reply to a point operation: the item and its ETag, when it has one (not after delete or a
 * 304). With `Prefer: return=minimal` (the SDK's `contentResponseOnWriteEnabled: false`) a write
 * answers its status and ETag without the body, as the service does.
 */
function itemReply(outcome: ItemOperationOutcome, container: Container, minimal = false): Reply {
  return {
    status: outcome.status,
    ...(outcome.item
      ? { ...(minimal ? {} : { body: outcome.item }), headers: { [Header.etag]: outcome.item._etag } }
      : {}),
    charge: outcome.charge,
    lsn: container.lsn,
  };
}

const prefersMinimal = (request: EmulatorRequest): boolean =>
  /\breturn=minimal\b/i.test(header(request, Header.prefer) ?? "");

async function write(
  scope: ItemScope,
  target: PartitionTarget,
  operation: ItemOperation,
  request: EmulatorRequest,
): Promise<Reply> {
  const outcome = await withStagedPartition(scope, target.key, (staged) => ({
    value: executeOperation(staged, target, operation),
    commit: true,
  }));
  return itemReply(outcome, scope.container, prefersMinimal(request));
}

export const createItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  const body = jsonBody(request);
  const upsert = headerIs(request, Header.isUpsert);
  const operation: ItemOperation = upsert ? { kind: "upsert", body, ...conditions(request) } : { kind: "create", body };
  return write(scope, targetOf(scope, request, body), operation, request);
};

export const readItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  const target = targetOf(scope, request);
  const partition = scope.container.partitions.get(target.key) ?? new Map<string, StoredItem>();
  const operation: ItemOperation = {
    kind: "read",
    id: request.params.id ?? "",
    ifNoneMatch: header(request, Header.ifNoneMatch),
  };
  return itemReply(executeOperation(partition, target, operation), scope.container);
};

export const replaceItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  const body = jsonBody(request);
  return write(
    scope,
    targetOf(scope, request, body),
    {
      kind: "replace",
      id: request.params.id ?? "",
      body,
      ...conditions(request),
    },
    request,
  );
};

// removeItem, not deleteItem: that name is the workbook's builder of a Delete operation.
export const removeItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  return write(
    scope,
    targetOf(scope, request),
    { kind: "delete", id: request.params.id ?? "", ...conditions(request) },
    request,
  );
};

export const patchItem: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const patch = parsePatchRequest(jsonBody(request));
  if (patch.condition !== undefined) await loadQueryEngine();
  return write(
    scope,
    targetOf(scope, request),
    { kind: "patch", id: request.params.id ?? "", patch, ...conditions(request) },
    request,
  );
};

/** The items a feed or query sees: one logical partition, a hierarchical prefix, or all of them, within the range if one is named. */
function itemsInScope(container: Container, key: PartitionKeyValue | undefined, range: EpkRange | undefined): Json[] {
  if (key === undefined) return range === undefined ? [...container.allItems()] : itemsInEpkRange(container, range);
  const inRange = (partitionKey: string): boolean =>
    range === undefined || partitionInRange(container, partitionKey, range);
  if (key.length === container.definition.paths.length) {
    const partitionKey = canonicalKey(key);
    return inRange(partitionKey) ? [...container.liveItems(container.partitions.get(partitionKey))] : [];
  }
  const items: Json[] = [];
  for (const [partitionKey, partition] of container.partitions) {
    if (isPrefixOf(key, JSON.parse(partitionKey) as PartitionKeyValue) && inRange(partitionKey))
      items.push(...container.liveItems(partition));
  }
  return items;
}

/** The logical partition, or hierarchical prefix, a query's WHERE confines it to, so that only that is read. */
async function partitionNamedByQuery(
  request: EmulatorRequest,
  container: Container,
): Promise<PartitionKeyValue | undefined> {
  const { parseQuerySpec, partitionPrefixOfQuery } = await loadQueryEngine();
  const spec = parseQuerySpec(jsonBody(request));
  const parameters = new Map((spec.parameters ?? []).map(({ name, value }) => [name, value]));
  return partitionPrefixOfQuery(spec.query, parameters, container.definition.paths.map(pathSegments));
}

export const readItems: Handler = async (context, request) => {
  const { container } = scopeOf(context, request);
  const range = await requestedRange(container, request);
  const items = itemsInScope(container, headerPartitionKey(request), range);
  const sent = header(request, Header.continuation);
  const continuation = range === undefined ? sent : resumeToken(container, range, sent, childFeedToken);
  const reply = await feedReply(
    request,
    container.rid,
    "Documents",
    items,
    Math.max(1, items.length / 10),
    continuation ?? null,
  );
  return { ...withRangedContinuation(reply, range), lsn: container.lsn };
};

export const queryItems: Handler = async (context, request) => {
  const { container } = scopeOf(context, request);
  const range = await requestedRange(container, request);
  const key = headerPartitionKey(request) ?? (await partitionNamedByQuery(request, container));
  if (key !== undefined && key.length > container.definition.paths.length) {
    throw badRequest("The partition key has more components than the container's partition key definition.");
  }
  if (range === undefined && key === undefined) {
    const refusal = await gatewayRefusal(request, container);
    if (refusal !== undefined) return refusal;
  }
  const sent = header(request, Header.continuation);
  const continuation = range === undefined ? sent : resumeToken(container, range, sent, childQueryToken);
  const items = itemsInScope(container, key, range);
  const reply = await queryReply(request, container.rid, "Documents", items, container.lsn, continuation ?? null);
  return withRangedContinuation(reply, range);
};

/**
 * The query plan the SDK asks for before a cross-partition query, as the service shapes it. Its
 * `queryRanges` are the EPKs the query can reach: the point of one logical partition when the
 * WHERE fixes the whole partition key, a prefix's range for part of a hierarchical one, else all.
 */
export const queryPlan: Handler = async (context, request) => {
  const { container } = scopeOf(context, request);
  const { parseQuerySpec, planQuery } = await loadQueryEngine();
  const plan = planQuery(parseQuerySpec(jsonBody(request)));
  const key = await partitionNamedByQuery(request, container);
  if (key === undefined) return { status: 200, body: plan, charge: 0 };
  await loadPartitionHashing();
  const { definition } = container;
  const queryRange =
    key.length === definition.paths.length
      ? { min: effectivePartitionKey(key, definition), isMinInclusive: true, isMaxInclusive: true }
      : { ...prefixRange(key, definition), isMinInclusive: true, isMaxInclusive: false };
  const point = "max" in queryRange ? queryRange : { ...queryRange, max: queryRange.min };
  return { status: 200, body: { ...plan, queryRanges: [point] }, charge: 0 };
};

/** A bulk request's operations; a too-large one is refused with the gateway's form of the message. */
function bulkOperations(body: Buffer): ReturnType<typeof parseBatchBody> {
  try {
    return parseBatchBody(body);
  } catch (error) {
    if (error instanceof CosmosError && error.status === 413) {
      throw new CosmosError(413, 'Message: {"Errors":["Request size is too large"]}');
    }
    throw error;
  }
}

/** With `Prefer: return=minimal`, the results of writes leave out their bodies; reads keep theirs. */
function batchReply(
  result: BatchResult,
  container: Container,
  request: EmulatorRequest,
  operations: { operationType?: unknown }[],
): Reply {
  const minimal = prefersMinimal(request);
  const results = result.results.map((outcome, index) => {
    // operationType comes from the client and may be anything; only a string can name a read.
    const operationType = operations[index]?.operationType;
    const isRead = typeof operationType === "string" && operationType.toLowerCase() === "read";
    if (!minimal || isRead) return outcome;
    const { resourceBody: _omitted, ...rest } = outcome;
    return rest;
  });
  return { status: result.status, body: results, charge: result.charge, lsn: container.lsn };
}

export const transactionalBatch: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const operations = parseBatchBody(request.body);
  const key = headerPartitionKey(request);
  if (key === undefined) throw badRequest("A transactional batch needs the x-ms-documentdb-partitionkey header.");
  return batchReply(await runTransactionalBatch(scope, key, operations), scope.container, request, operations);
};

export const bulk: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const operations = bulkOperations(request.body);
  await requireOperationsInRange(scope.container, request, operations);
  const continueOnError = header(request, Header.batchContinueOnError)?.toLowerCase() !== "false";
  return batchReply(await executeBulk(scope, operations, continueOnError), scope.container, request, operations);
};
