/**
 * Transactional batch: builders for the six operation types, `runBatch`, and a typed outcome that
 * names the failing operation.
 *
 * Why an outcome type: `@azure/cosmos` returns 200 (committed) and 207 (rolled back) alike, leaving
 * the caller to find the failing status in `result[i]`, and it throws whole-request errors as a plain
 * `Error("Batch request error: ...")` with no status. `runBatch` turns all three into one value:
 *
 * - `committed`   every operation succeeded (HTTP 200);
 * - `rolled-back` one operation failed (HTTP 207); `failedIndex` points at it, the others report 424,
 *                 and nothing was written (the same facts as Python's `CosmosBatchOperationError`);
 * - `rejected`    the service refused the whole request (e.g. 400 for an empty batch), or the SDK
 *                 refused to send it (more than 100 operations); no operation ran.
 */
import type {
  Container,
  CosmosDiagnostics,
  CreateOperationInput,
  DeleteOperationInput,
  ItemDefinition,
  JSONObject,
  OperationInput,
  OperationResponse,
  PartitionKey,
  PatchOperation,
  PatchOperationInput,
  ReadOperationInput,
  ReplaceOperationInput,
  UpsertOperationInput,
} from "@azure/cosmos";

// ---------------------------------------------------------------------------------------------
// Builders

/** Optional preconditions for writes; `partitionKey` overrides the batch's for this operation. */
export interface WriteOptions {
  /** Write only if the stored item's `_etag` equals this (optimistic concurrency). */
  ifMatch?: string;
  /** Write only if the stored item's `_etag` differs from this. */
  ifNoneMatch?: string;
  partitionKey?: PartitionKey;
}

export interface PointOptions {
  partitionKey?: PartitionKey;
}

export interface PatchOptions extends WriteOptions {
  /** A filter such as `"from c where c.quantity > 0"`; when false the patch fails with 412. */
  condition?: string;
}

export function create(item: JSONObject, options: WriteOptions = {}): CreateOperationInput {
  return { operationType: "Create", resourceBody: { ...item }, ...writeOptions(options) };
}

export function upsert(item: JSONObject, options: WriteOptions = {}): UpsertOperationInput {
  return { operationType: "Upsert", resourceBody: { ...item }, ...writeOptions(options) };
}

export function read(id: string, options: PointOptions = {}): ReadOperationInput {
  return { operationType: "Read", id, ...pointOptions(options) };
}

export function replace(id: string, item: JSONObject, options: WriteOptions = {}): ReplaceOperationInput {
  return { operationType: "Replace", id, resourceBody: { id, ...item }, ...writeOptions(options) };
}

/** A Delete operation (named `remove` because `delete` is a reserved word). */
export function remove(id: string, options: PointOptions = {}): DeleteOperationInput {
  return { operationType: "Delete", id, ...pointOptions(options) };
}

export { remove as deleteItem };

export function patch(id: string, operations: PatchOperation[], options: PatchOptions = {}): PatchOperationInput {
  const { condition, ...rest } = options;
  const resourceBody =
    condition === undefined ? { operations: [...operations] } : { operations: [...operations], condition };
  return { operationType: "Patch", id, resourceBody, ...writeOptions(rest) };
}

function writeOptions({ ifMatch, ifNoneMatch, partitionKey }: WriteOptions): WriteOptions {
  return {
    ...(ifMatch === undefined ? {} : { ifMatch }),
    ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
    ...pointOptions({ partitionKey }),
  };
}

function pointOptions({ partitionKey }: PointOptions): PointOptions {
  return partitionKey === undefined ? {} : { partitionKey };
}

// ---------------------------------------------------------------------------------------------
// Outcome types

/** An operation as it was sent: kept on the outcome so a failed create still shows its item. */
export interface OperationSummary {
  index: number;
  operationType: string;
  id?: string;
  input: OperationInput;
}

export interface OperationOutcome extends OperationSummary {
  statusCode: number;
  subStatusCode?: number;
  requestCharge: number;
  eTag?: string;
  resourceBody?: JSONObject;
}

interface OutcomeBase {
  partitionKey: PartitionKey;
}

export interface CommittedBatch extends OutcomeBase {
  kind: "committed";
  statusCode: number;
  operations: OperationOutcome[];
  requestCharge: number;
  activityId?: string;
}

export interface RolledBackBatch extends OutcomeBase {
  kind: "rolled-back";
  statusCode: number;
  /** The operation that made the batch fail (neither 2xx nor 424), as Python's `error_index`. */
  failedIndex: number;
  failed: OperationOutcome;
  operations: OperationOutcome[];
  requestCharge: number;
  activityId?: string;
}

export interface RejectedBatch extends OutcomeBase {
  kind: "rejected";
  /** The whole request's status; absent when the SDK refused to send it. */
  statusCode?: number;
  subStatusCode?: number;
  message: string;
  operations: OperationSummary[];
  requestCharge: 0;
  activityId?: string;
}

export type BatchOutcome = CommittedBatch | RolledBackBatch | RejectedBatch;

// ---------------------------------------------------------------------------------------------
// Running a batch

/**
 * Sends the operations as one transactional batch on one logical partition. Never throws for what
 * the service or SDK says about the batch itself; connection and programming errors still throw.
 */
export async function runBatch(
  container: Container,
  partitionKey: PartitionKey,
  operations: readonly OperationInput[],
): Promise<BatchOutcome> {
  // The SDK rewrites operations in place (adds ids, re-encodes each partitionKey as a JSON string),
  // so it gets a copy: the caller's array stays valid for a second run of the same cell.
  const sent = structuredClone([...operations]);
  try {
    const response = await container.items.batch(sent, partitionKey);
    return classifyBatchResponse(response, operations, partitionKey);
  } catch (error) {
    const rejected = classifyBatchError(error, operations, partitionKey);
    if (rejected === undefined) throw error;
    return rejected;
  }
}

/** The shape of `container.items.batch(...)`'s resolved value that classification needs. */
export interface BatchResponseLike {
  code?: number;
  result?: readonly OperationResponse[];
  headers?: Record<string, unknown>;
}

/** 200 -> committed; any failed operation -> rolled back, pointing at the first non-424 failure. */
export function classifyBatchResponse(
  response: BatchResponseLike,
  operations: readonly OperationInput[],
  partitionKey: PartitionKey,
): CommittedBatch | RolledBackBatch {
  const outcomes = (response.result ?? []).map((result, index) => toOperationOutcome(result, index, operations[index]));
  const requestCharge =
    headerNumber(response.headers, "x-ms-request-charge") ?? sum(outcomes.map((o) => o.requestCharge));
  const activityId = headerString(response.headers, "x-ms-activity-id");
  const common = {
    partitionKey,
    operations: outcomes,
    requestCharge,
    ...(activityId === undefined ? {} : { activityId }),
  };
  const failed = findFailedOperation(outcomes);
  if (failed === undefined) return { kind: "committed", statusCode: response.code ?? 200, ...common };
  return { kind: "rolled-back", statusCode: response.code ?? 207, failedIndex: failed.index, failed, ...common };
}

function findFailedOperation(outcomes: readonly OperationOutcome[]): OperationOutcome | undefined {
  const unsuccessful = outcomes.filter((outcome) => !isSuccess(outcome.statusCode));
  return unsuccessful.find((outcome) => outcome.statusCode !== 424) ?? unsuccessful[0];
}

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

function toOperationOutcome(
  result: OperationResponse,
  index: number,
  input: OperationInput | undefined,
): OperationOutcome {
  const raw = result as OperationResponse & { subStatusCode?: unknown };
  const summary = summarize(input ?? { operationType: "Read", id: "" }, index);
  const id = summary.id ?? (typeof result.resourceBody?.id === "string" ? result.resourceBody.id : undefined);
  return {
    ...summary,
    ...(id === undefined ? {} : { id }),
    statusCode: result.statusCode,
    ...(typeof raw.subStatusCode === "number" && raw.subStatusCode !== 0 ? { subStatusCode: raw.subStatusCode } : {}),
    requestCharge: result.requestCharge ?? 0,
    ...(result.eTag === undefined ? {} : { eTag: result.eTag }),
    ...(result.resourceBody === undefined ? {} : { resourceBody: result.resourceBody }),
  };
}

/** Index, type and item id of an operation as given (the id of a create comes from its body). */
export function summarize(input: OperationInput, index: number): OperationSummary {
  const id = "id" in input ? input.id : bodyId(input);
  return { index, operationType: input.operationType, ...(id === undefined ? {} : { id }), input };
}

function bodyId(input: OperationInput): string | undefined {
  const body = "resourceBody" in input ? (input.resourceBody as unknown) : undefined;
  const id = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as JSONObject).id : undefined;
  return typeof id === "string" ? id : undefined;
}

// ---------------------------------------------------------------------------------------------
// Whole-request errors

const SDK_PREFIX = "Batch request error: ";
const SDK_REFUSES_TOO_MANY = /more than 100 operations/i;

interface RecoveredStatus {
  statusCode?: number;
  subStatusCode?: number;
  activityId?: string;
}

/**
 * A thrown batch error -> `rejected` when the service answered with a status (or the SDK refused
 * to send); undefined for anything else (network, TLS, programming errors), which the caller rethrows.
 */
export function classifyBatchError(
  error: unknown,
  operations: readonly OperationInput[],
  partitionKey: PartitionKey,
): RejectedBatch | undefined {
  const rawMessage = error instanceof Error ? error.message : String(error);
  const status = recoverStatus(error);
  if (status.statusCode === undefined && !SDK_REFUSES_TOO_MANY.test(rawMessage)) return undefined;
  return {
    kind: "rejected",
    partitionKey,
    ...status,
    message: serviceMessage(rawMessage),
    operations: operations.map((input, index) => summarize(input, index)),
    requestCharge: 0,
  };
}

/**
 * Where the status of a whole-request failure hides, by SDK version:
 * - 4.10+: the wrapper's `cause` is the SDK's ErrorResponse (`code`, `substatus`, `activityId`);
 * - 4.9.x (ours): the wrapper keeps only the message, but the SDK attaches its diagnostics to every
 *   error it throws, and `clientSideRequestStatistics.gatewayStatistics` records each HTTP exchange
 *   with its status and sub-status, so the last batch exchange holds the answer.
 */
export function recoverStatus(error: unknown): RecoveredStatus {
  if (!isObject(error)) return {};
  const fromCause = statusOf(error.cause);
  if (fromCause.statusCode !== undefined) return fromCause;
  const fromError = statusOf(error);
  if (fromError.statusCode !== undefined) return fromError;
  return statusFromDiagnostics(error.diagnostics);
}

function statusOf(candidate: unknown): RecoveredStatus {
  if (!isObject(candidate) || typeof candidate.code !== "number") return {};
  return {
    statusCode: candidate.code,
    ...(typeof candidate.substatus === "number" ? { subStatusCode: candidate.substatus } : {}),
    ...(typeof candidate.activityId === "string" ? { activityId: candidate.activityId } : {}),
  };
}

function statusFromDiagnostics(diagnostics: unknown): RecoveredStatus {
  const exchanges =
    (diagnostics as Partial<CosmosDiagnostics> | undefined)?.clientSideRequestStatistics?.gatewayStatistics ?? [];
  const batchExchange = [...exchanges]
    .reverse()
    .find((exchange) => String(exchange.operationType).toLowerCase() === "batch");
  if (batchExchange?.statusCode === undefined) return {};
  return {
    statusCode: batchExchange.statusCode,
    ...(batchExchange.subStatusCode ? { subStatusCode: batchExchange.subStatusCode } : {}),
    ...(batchExchange.activityId ? { activityId: batchExchange.activityId } : {}),
  };
}

/**
 * The service's own words without the SDK's prefix or the gateway's trailer. Azure wraps them as
 * `Message: {"Errors":["..."]}\r\nActivityId: ...`; other servers send the sentence alone.
 */
export function serviceMessage(rawMessage: string): string {
  const message = rawMessage.startsWith(SDK_PREFIX) ? rawMessage.slice(SDK_PREFIX.length) : rawMessage;
  const errors = /\{"Errors":\s*(\[.*?\])\}/s.exec(message)?.[1];
  if (errors !== undefined) {
    try {
      const parsed: unknown = JSON.parse(errors);
      if (Array.isArray(parsed) && parsed.length > 0) return parsed.map(String).join(" ");
    } catch {
      // Not the gateway's JSON after all: fall through to the first line.
    }
  }
  return (message.split(/\r?\n/)[0] ?? message).replace(/^Message:\s*/, "").trim();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function headerString(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function headerNumber(headers: Record<string, unknown> | undefined, name: string): number | undefined {
  const value = headers?.[name];
  const parsed = typeof value === "number" ? value : typeof value === "string" ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

// ---------------------------------------------------------------------------------------------
// Helpers that keep notebook cells re-runnable

/** Every item in one logical partition, ordered by id (ordinal, as Cosmos DB's ORDER BY c.id). */
export async function readPartition(container: Container, partitionKey: PartitionKey): Promise<ItemDefinition[]> {
  // Sorted here rather than with ORDER BY: a partition-scoped SELECT * needs no query plan.
  const { resources } = await container.items.query<ItemDefinition>("SELECT * FROM c", { partitionKey }).fetchAll();
  return resources.sort((a, b) => compareOrdinal(String(a.id), String(b.id)));
}

function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deletes the items that exist among `ids` and returns how many it deleted; missing ones are fine. */
export async function removeItems(
  container: Container,
  partitionKey: PartitionKey,
  ids: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (const id of ids) {
    try {
      await container.item(id, partitionKey).delete();
      deleted += 1;
    } catch (error) {
      if (!(isObject(error) && error.code === 404)) throw error;
    }
  }
  return deleted;
}
