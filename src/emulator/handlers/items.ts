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
import { epkInRange } from "../store/partition-key-ranges";
import {
  coversEverything,
  itemsInEpkRange,
  partitionEpk,
  partitionInRange,
  type EpkRange,
} from "../store/range-routing";

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

/** The service's answer to a request for a range that split (or never was): the SDK then refreshes its ranges. */
const partitionKeyRangeGone = (id: string, container: Container): CosmosError =>
  new CosmosError(410, `PartitionKeyRange with id '${id}' in collection '${container.rid}' doesn't exist.`, 1002);

/**
 * The EPK range a request names by `x-ms-documentdb-partitionkeyrangeid` (the SDK's cross-partition
 * queries, read feeds and bulk), narrowed by `x-ms-start-epk` / `x-ms-end-epk` when the SDK sends
 * part of a range; undefined when it names none.
 */
async function requestedRange(container: Container, request: EmulatorRequest): Promise<EpkRange | undefined> {
  const id = header(request, Header.partitionKeyRangeId);
  if (id === undefined) return undefined;
  const range = container.partitionKeyRanges.ranges.find((candidate) => candidate.id === id);
  if (range === undefined) throw partitionKeyRangeGone(id, container);
  const start = header(request, Header.startEpk);
  const end = header(request, Header.endEpk);
  const bounds = {
    min: start !== undefined && start > range.minInclusive ? start : range.minInclusive,
    max: end !== undefined && end < range.maxExclusive ? end : range.maxExclusive,
  };
  // The one range of a small container holds everything: nothing to hash.
  if (!coversEverything(bounds)) await loadPartitionHashing();
  return bounds;
}

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

/**
 * Continuations of requests sent to a range carry the range's EPKs. When a range splits the SDK
 * sends its parent's token to each child; the child then resumes where the parent stopped, counting
 * only the parent's items that are its own.
 */
interface RangedToken {
  epk: [string, string];
  token: string;
}

function parseRangedToken(text: string | undefined): RangedToken | undefined {
  if (text === undefined || !text.startsWith('{"epk":')) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<RangedToken>;
    const bounds = parsed.epk;
    const valid = Array.isArray(bounds) && bounds.length === 2 && bounds.every((bound) => typeof bound === "string");
    return valid && typeof parsed.token === "string" ? (parsed as RangedToken) : undefined;
  } catch {
    return undefined;
  }
}

const rangedToken = (range: EpkRange, token: string): string =>
  JSON.stringify({ epk: [range.min, range.max], token } satisfies RangedToken);

function itemEpk(container: Container, item: Json): string {
  return partitionEpk(container, canonicalKey(partitionKeyOf(item, container.definition)));
}

/**
 * The token a range resumes from, given the one the client sent: its own as it is, its parent's
 * translated by `translate` (which sees the parent's items), anything else as it is (for the
 * query engine to refuse).
 */
function resumeToken(
  container: Container,
  range: EpkRange,
  sent: string | undefined,
  translate: (parentItems: Json[], inRange: (item: Json) => boolean, token: string) => string | undefined,
): string | undefined {
  const ranged = parseRangedToken(sent);
  if (ranged === undefined) return sent;
  const [min, max] = ranged.epk;
  if (min === range.min && max === range.max) return ranged.token;
  const parentItems = itemsInEpkRange(container, { min, max });
  return translate(parentItems, (item) => epkInRange(itemEpk(container, item), range.min, range.max), ranged.token);
}

/** A read feed's token is a position: the child's is how many of the parent's passed items are its own. */
function childFeedToken(parentItems: Json[], inRange: (item: Json) => boolean, token: string): string {
  return String(parentItems.slice(0, Number(token)).filter(inRange).length);
}

/**
 * A streamed query's token is the position of the next item and how far into it the page got; an
 * ordered or aggregated one (computed whole per range) starts the child over.
 */
function childQueryToken(parentItems: Json[], inRange: (item: Json) => boolean, token: string): string | undefined {
  let resume: { kind?: unknown; index?: unknown; rowsDone?: unknown };
  try {
    resume = JSON.parse(token) as typeof resume;
  } catch {
    return token;
  }
  if (resume.kind !== "stream" || typeof resume.index !== "number") return undefined;
  const next = parentItems[resume.index];
  const index = parentItems.slice(0, resume.index).filter(inRange).length;
  const rowsDone = next !== undefined && inRange(next) ? resume.rowsDone : 0;
  return JSON.stringify({ kind: "stream", index, rowsDone, produced: 0 });
}

/** The reply with its continuation marked with the range it was issued for. */
function withRangedContinuation(reply: Reply, range: EpkRange | undefined): Reply {
  const token = reply.headers?.[Header.continuation];
  if (range === undefined || typeof token !== "string") return reply;
  return { ...reply, headers: { ...reply.headers, [Header.continuation]: rangedToken(range, token) } };
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

/** The gateway's words when a query across ranges needs the client's pipeline. */
const NOT_SERVABLE_BY_GATEWAY =
  "The provided cross partition query can not be directly served by the gateway. This is a first chance (internal) exception that all newer clients will know how to handle gracefully. This exception is traced, but unless you see it bubble up as an exception (which only happens on older SDK clients), then you can safely ignore this message.";

/**
 * A query sent to no range and no partition of a container with several ranges is the gateway's
 * to run; it runs plain ones itself, but one that must be ordered, aggregated, grouped, made
 * distinct or windowed across ranges it answers 400/1004 with the query plan, and the SDK then
 * runs its pipeline over the ranges.
 */
async function gatewayRefusal(request: EmulatorRequest, container: Container): Promise<Reply | undefined> {
  if (container.partitionKeyRanges.ranges.length === 1) return undefined;
  const { parseQuerySpec, planQuery } = await loadQueryEngine();
  const plan = planQuery(parseQuerySpec(jsonBody(request)));
  const { queryInfo: info } = plan;
  const needsPipeline =
    info.orderBy.length > 0 ||
    info.aggregates.length > 0 ||
    info.groupByExpressions.length > 0 ||
    info.distinctType !== "None" ||
    info.top !== null ||
    info.offset !== null ||
    info.limit !== null;
  if (!needsPipeline) return undefined;
  return {
    status: 400,
    body: { code: "BadRequest", message: NOT_SERVABLE_BY_GATEWAY, additionalErrorInfo: JSON.stringify(plan) },
    headers: { [Header.subStatus]: "1004" },
    charge: 0,
  };
}

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

/**
 * The SDK sends each bulk request to the range that holds its operations' partition keys: a range
 * that split is gone (410, and the SDK regroups), and an operation outside the range is refused.
 */
async function requireOperationsInRange(
  container: Container,
  request: EmulatorRequest,
  operations: { partitionKey?: unknown }[],
): Promise<void> {
  const range = await requestedRange(container, request);
  if (range === undefined || coversEverything(range)) return;
  for (const { partitionKey } of operations) {
    if (typeof partitionKey !== "string") continue; // the operation answers for itself
    let value: PartitionKeyValue;
    try {
      value = parsePartitionKey(partitionKey);
    } catch {
      continue;
    }
    if (!epkInRange(partitionEpk(container, canonicalKey(value)), range.min, range.max)) {
      throw badRequest(
        `The bulk operation for partition key ${partitionKey} does not belong to partition key range '${header(request, Header.partitionKeyRangeId)}': send it to the range whose EPKs hold its key (GET .../pkranges lists them).`,
      );
    }
  }
}

export const bulk: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const operations = bulkOperations(request.body);
  await requireOperationsInRange(scope.container, request, operations);
  const continueOnError = header(request, Header.batchContinueOnError)?.toLowerCase() !== "false";
  return batchReply(await executeBulk(scope, operations, continueOnError), scope.container, request, operations);
};
