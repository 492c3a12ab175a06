/**
 * Items: point operations, feeds, queries (and their query plans), transactional batch, bulk.
 * `POST .../docs` carries six different operations told apart by headers; routes.ts lists them.
 */
import { Header } from "../http/headers";
import { badRequest } from "../cosmos-error";
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

/** The reply to a point operation: the item and its ETag, when it has one (not after delete or a 304). */
function itemReply(outcome: ItemOperationOutcome, container: Container): Reply {
  return {
    status: outcome.status,
    ...(outcome.item ? { body: outcome.item, headers: { [Header.etag]: outcome.item._etag } } : {}),
    charge: outcome.charge,
    lsn: container.lsn,
  };
}

async function write(scope: ItemScope, target: PartitionTarget, operation: ItemOperation): Promise<Reply> {
  const outcome = await withStagedPartition(scope, target.key, (staged) => ({
    value: executeOperation(staged, target, operation),
    commit: true,
  }));
  return itemReply(outcome, scope.container);
}

export const createItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  const body = jsonBody(request);
  const upsert = headerIs(request, Header.isUpsert);
  const operation: ItemOperation = upsert ? { kind: "upsert", body, ...conditions(request) } : { kind: "create", body };
  return write(scope, targetOf(scope, request, body), operation);
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
  return write(scope, targetOf(scope, request, body), {
    kind: "replace",
    id: request.params.id ?? "",
    body,
    ...conditions(request),
  });
};

// removeItem, not deleteItem: that name is the workbook's builder of a Delete operation.
export const removeItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  return write(scope, targetOf(scope, request), {
    kind: "delete",
    id: request.params.id ?? "",
    ...conditions(request),
  });
};

export const patchItem: Handler = (context, request) => {
  const scope = scopeOf(context, request);
  const patch = parsePatchRequest(jsonBody(request));
  return write(scope, targetOf(scope, request), {
    kind: "patch",
    id: request.params.id ?? "",
    patch,
    ...conditions(request),
  });
};

/** The items a feed or query sees: one logical partition, a hierarchical prefix, or all of them. */
function itemsInScope(container: Container, key: PartitionKeyValue | undefined): Json[] {
  if (key === undefined) return [...container.allItems()];
  if (key.length === container.definition.paths.length)
    return [...container.liveItems(container.partitions.get(canonicalKey(key)))];
  const items: Json[] = [];
  for (const [partitionKey, partition] of container.partitions) {
    if (isPrefixOf(key, JSON.parse(partitionKey) as PartitionKeyValue)) items.push(...container.liveItems(partition));
  }
  return items;
}

export const readItems: Handler = (context, request) => {
  const { container } = scopeOf(context, request);
  const items = itemsInScope(container, headerPartitionKey(request));
  return {
    ...feedReply(request, container.rid, "Documents", items, Math.max(1, items.length / 10)),
    lsn: container.lsn,
  };
};

export const queryItems: Handler = (context, request) => {
  const { container } = scopeOf(context, request);
  const key = headerPartitionKey(request);
  if (key !== undefined && key.length > container.definition.paths.length) {
    throw badRequest("The partition key has more components than the container's partition key definition.");
  }
  return queryReply(request, container.rid, "Documents", itemsInScope(container, key), container.lsn);
};

/**
 * A query plan for the SDK. The emulator evaluates every query completely on its single physical
 * partition, so the plan asks the SDK for no client-side ordering, aggregation or paging rewrite:
 * the SDK then passes the server's results through unchanged.
 */
export const queryPlan: Handler = (context, request) => {
  scopeOf(context, request);
  const body = jsonBody(request) as { query?: unknown };
  if (typeof body.query !== "string") throw badRequest("The query plan request has no query.");
  return {
    status: 200,
    body: {
      partitionedQueryExecutionInfoVersion: 2,
      queryInfo: {
        distinctType: "None",
        top: null,
        offset: null,
        limit: null,
        orderBy: [],
        orderByExpressions: [],
        groupByExpressions: [],
        groupByAliases: [],
        aggregates: [],
        groupByAliasToAggregateType: {},
        rewrittenQuery: "",
        hasSelectValue: false,
        dCountInfo: null,
        hasNonStreamingOrderBy: false,
      },
      queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }],
    },
    charge: 0,
  };
};

function batchReply(result: BatchResult, container: Container): Reply {
  return { status: result.status, body: result.results, charge: result.charge, lsn: container.lsn };
}

export const transactionalBatch: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const operations = parseBatchBody(request.body);
  const key = headerPartitionKey(request);
  if (key === undefined) throw badRequest("A transactional batch needs the x-ms-documentdb-partitionkey header.");
  return batchReply(await runTransactionalBatch(scope, key, operations), scope.container);
};

export const bulk: Handler = async (context, request) => {
  const scope = scopeOf(context, request);
  const operations = parseBatchBody(request.body);
  const continueOnError = header(request, Header.batchContinueOnError)?.toLowerCase() !== "false";
  return batchReply(await executeBulk(scope, operations, continueOnError), scope.container);
};
