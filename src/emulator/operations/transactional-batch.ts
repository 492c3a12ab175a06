/**
 * Transactional batch and bulk: many item operations in one request.
 *
 * Transactional batch (`x-ms-cosmos-batch-atomic: true`): every operation targets the request's
 * logical partition. The operations run in order against a copy of that partition; if all succeed
 * the touched items are persisted as ONE journal record and published (HTTP 200); at the first
 * failure the copy is dropped, the failing operation reports its own status and every other one
 * 424 (HTTP 207). The partition's lock is held from staging to publishing, so concurrent batches
 * and writes to the partition never interleave and a losing batch commits nothing.
 *
 * Bulk (`x-ms-cosmos-batch-atomic: false`): each operation names its own partition and is applied
 * on its own, as if sent alone; with continue-on-error false, operations after a failure are not
 * run (424).
 */
import { NOT_EXECUTED_RU, FAILED_OPERATION_RU, sumCharges } from "./charges";
import { CosmosError, badRequest, describeValue } from "../cosmos-error";
import { parseClientJson } from "../client-json";
import {
  executeOperation,
  partitionTarget,
  type ItemOperation,
  type ItemOperationOutcome,
  type Preconditions,
} from "./item-operations";
import { canonicalKey, parsePartitionKey, toPartitionKey, type PartitionKeyValue } from "../store/partition-key";
import { parsePatchRequest } from "./patch";
import { loadQueryEngine } from "./query-engine";
import type { Json } from "../store/stored-resources";
import { withStagedPartition, type PartitionScope } from "./transactions";

/** The service's limits on one batch. */
export const MAX_BATCH_OPERATIONS = 100;
export const MAX_BATCH_BYTES = 2_202_010;

/** The partition scope of item operations, with the database rid their `_self` links carry. */
export interface ItemScope extends PartitionScope {
  databaseRid: string;
}

/** One entry of the response array. */
export interface OperationResult {
  statusCode: number;
  subStatusCode?: number;
  requestCharge: number;
  eTag?: string;
  resourceBody?: Json;
}

export interface BatchResult {
  status: 200 | 207;
  results: OperationResult[];
  charge: number;
}

interface WireOperation {
  operationType?: unknown;
  id?: unknown;
  resourceBody?: unknown;
  ifMatch?: unknown;
  ifNoneMatch?: unknown;
  partitionKey?: unknown;
}

const optionalString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The operation's `id`; 400 when it has none. */
function idOf(wire: WireOperation): string {
  if (typeof wire.id !== "string" || wire.id === "") throw badRequest("The operation has no 'id'.");
  return wire.id;
}

/** The operation's `resourceBody`; 400 when it has none. */
function bodyOf(wire: WireOperation): unknown {
  if (wire.resourceBody === undefined) throw badRequest("The operation has no 'resourceBody'.");
  return wire.resourceBody;
}

const conditionsOf = (wire: WireOperation): Preconditions => ({
  ifMatch: optionalString(wire.ifMatch),
  ifNoneMatch: optionalString(wire.ifNoneMatch),
});

/**
 * Turns one wire operation into an `ItemOperation`; a malformed one is a 400 for that operation.
 * It runs for every operation of every batch, so it makes no closures of its own.
 */
export function toItemOperation(wire: WireOperation): ItemOperation {
  const type = typeof wire.operationType === "string" ? wire.operationType.toLowerCase() : "";
  switch (type) {
    case "create":
      return { kind: "create", body: bodyOf(wire) };
    case "upsert":
      return { kind: "upsert", body: bodyOf(wire), ...conditionsOf(wire) };
    case "replace": {
      const resourceBody = bodyOf(wire);
      const replaceId = typeof wire.id === "string" ? wire.id : (resourceBody as { id?: unknown } | null)?.id;
      if (typeof replaceId !== "string") throw badRequest("The operation has no 'id'.");
      return { kind: "replace", id: replaceId, body: resourceBody, ...conditionsOf(wire) };
    }
    case "read":
      return { kind: "read", id: idOf(wire), ifNoneMatch: optionalString(wire.ifNoneMatch) };
    case "delete":
      return { kind: "delete", id: idOf(wire), ...conditionsOf(wire) };
    case "patch":
      return { kind: "patch", id: idOf(wire), patch: parsePatchRequest(bodyOf(wire)), ...conditionsOf(wire) };
    default:
      throw badRequest(
        `Unknown operation type '${describeValue(wire.operationType)}': use Create, Upsert, Read, Replace, Delete or Patch.`,
      );
  }
}

function resultOf(outcome: ItemOperationOutcome): OperationResult {
  const result: OperationResult = { statusCode: outcome.status, requestCharge: outcome.charge };
  if (outcome.item) {
    result.eTag = outcome.item._etag;
    result.resourceBody = outcome.item;
  }
  return result;
}

function failureOf(error: unknown): OperationResult {
  if (!(error instanceof CosmosError)) throw error;
  return {
    statusCode: error.status,
    ...(error.subStatus === undefined ? {} : { subStatusCode: error.subStatus }),
    requestCharge: FAILED_OPERATION_RU,
  };
}

/** Parses and checks the whole request; these failures reject it before any operation runs. */
export function parseBatchBody(raw: Buffer): WireOperation[] {
  if (raw.length > MAX_BATCH_BYTES) throw new CosmosError(413, "Request size is too large. (RequestEntityTooLarge)");
  const parsed = parseClientJson(raw.toString("utf8"), "The batch request body");
  if (!Array.isArray(parsed)) throw badRequest("The batch request body must be a JSON array of operations.");
  if (parsed.length === 0) throw badRequest("Batch request has no operations.");
  if (parsed.length > MAX_BATCH_OPERATIONS)
    throw badRequest("Batch request has more operations than what is supported.");
  return parsed.map(
    (operation) => (operation !== null && typeof operation === "object" ? operation : {}) as WireOperation,
  );
}

/** A patch with a condition needs the SQL engine, which loads on first use: load it before the batch runs. */
async function loadWhatTheOperationsNeed(wire: WireOperation[]): Promise<void> {
  const conditional = wire.some(
    (operation) =>
      // A client may send anything here ({toString: 1} included); the operation itself refuses it with 400.
      typeof operation.operationType === "string" &&
      operation.operationType.toLowerCase() === "patch" &&
      (operation.resourceBody as { condition?: unknown } | null | undefined)?.condition !== undefined,
  );
  if (conditional) await loadQueryEngine();
}

export async function runTransactionalBatch(
  scope: ItemScope,
  headerKey: PartitionKeyValue,
  wire: WireOperation[],
): Promise<BatchResult> {
  await loadWhatTheOperationsNeed(wire);
  const target = partitionTarget(scope.container, scope.databaseRid, headerKey);
  for (const operation of wire) {
    if (operation.partitionKey === undefined) continue;
    const own =
      typeof operation.partitionKey === "string"
        ? parsePartitionKey(operation.partitionKey)
        : toPartitionKey(operation.partitionKey);
    if (canonicalKey(own) !== target.key) {
      throw badRequest(
        "One or more operations within the batch request have a different partition key value than the request.",
      );
    }
  }
  const { results, committed } = await withStagedPartition(scope, target.key, (staged) => {
    const done: OperationResult[] = [];
    for (const [index, operation] of wire.entries()) {
      try {
        done.push(resultOf(executeOperation(staged, target, toItemOperation(operation))));
      } catch (error) {
        const failed = failureOf(error);
        const all = wire.map((_, i) => (i === index ? failed : { statusCode: 424, requestCharge: NOT_EXECUTED_RU }));
        return { value: { results: all, committed: false }, commit: false };
      }
    }
    return { value: { results: done, committed: true }, commit: true };
  });
  // 207 exactly when the batch was rolled back (a Read answered 304 is not a failure).
  return { status: committed ? 200 : 207, results, charge: sumCharges(results.map((r) => r.requestCharge)) };
}

export async function executeBulk(
  scope: ItemScope,
  wire: WireOperation[],
  continueOnError: boolean,
): Promise<BatchResult> {
  await loadWhatTheOperationsNeed(wire);
  const results: OperationResult[] = [];
  let stopped = false;
  for (const operation of wire) {
    if (stopped) {
      results.push({ statusCode: 424, requestCharge: NOT_EXECUTED_RU });
      continue;
    }
    const result = await runOneBulkOperation(scope, operation);
    results.push(result);
    if (result.statusCode >= 400 && !continueOnError) stopped = true;
  }
  const failed = results.some((result) => result.statusCode >= 400);
  return { status: failed ? 207 : 200, results, charge: sumCharges(results.map((r) => r.requestCharge)) };
}

async function runOneBulkOperation(scope: ItemScope, operation: WireOperation): Promise<OperationResult> {
  try {
    if (typeof operation.partitionKey !== "string") throw badRequest("A bulk operation needs its own partitionKey.");
    const target = partitionTarget(scope.container, scope.databaseRid, parsePartitionKey(operation.partitionKey));
    const itemOperation = toItemOperation(operation);
    return await withStagedPartition(scope, target.key, (staged) => {
      const outcome = executeOperation(staged, target, itemOperation);
      return { value: resultOf(outcome), commit: true };
    });
  } catch (error) {
    return failureOf(error);
  }
}
