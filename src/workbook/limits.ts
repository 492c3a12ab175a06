/**
 * Inputs for exploring a transactional batch's limits: many operations, and items of a chosen size.
 *
 * The service's documented limits for one batch are 100 operations, a 2 MB request body, 5 seconds
 * of execution and one logical partition. The SDK checks only the first of them itself (it refuses
 * more than 100 operations before sending anything); the service checks the others.
 */
import type { CreateOperationInput, JSONObject, OperationInput } from "@azure/cosmos";
import { create } from "./batch-outcomes";

/** The most operations one batch may hold; `@azure/cosmos` refuses a longer list before sending. */
export const MAX_OPERATIONS_PER_BATCH = 100;

/**
 * The largest request body the service accepts for a batch, in bytes: "2 MB" in the documentation,
 * 2,202,010 bytes in practice. A longer body is refused as a whole with 413 Request Entity Too Large.
 */
export const MAX_BATCH_REQUEST_BYTES = 2_202_010;

/**
 * `count` Create operations for items `${prefix}-000`, `${prefix}-001`, ... that carry `fields`
 * (typically the partition key property). Ids are zero-padded so they sort in creation order.
 */
export function numberedCreates(count: number, fields: JSONObject, prefix = "item"): CreateOperationInput[] {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number of operations, not ${count}.`);
  const width = Math.max(3, String(Math.max(count - 1, 0)).length);
  return Array.from({ length: count }, (_unused, index) => create({ ...fields, id: numberedId(prefix, index, width) }));
}

function numberedId(prefix: string, index: number, width: number): string {
  return `${prefix}-${String(index).padStart(width, "0")}`;
}

/** The ids `numberedCreates(count, ..., prefix)` produces, for cleaning them up. */
export function numberedIds(count: number, prefix = "item"): string[] {
  return numberedCreates(count, {}, prefix).map((operation) => String(operation.resourceBody.id));
}

/**
 * An item whose JSON text is exactly `bytes` bytes long: `fields` plus a `padding` string of
 * ASCII letters that makes up the difference. Used to build a request body of a known size.
 */
export function itemOfSize(bytes: number, fields: JSONObject): JSONObject {
  const withoutPadding = jsonBytes({ ...fields, padding: "" });
  const paddingLength = bytes - withoutPadding;
  if (!Number.isInteger(bytes) || paddingLength < 0) {
    throw new RangeError(`An item with these fields takes at least ${withoutPadding} bytes; ${bytes} is too small.`);
  }
  return { ...fields, padding: "x".repeat(paddingLength) };
}

/** Size in bytes of a value as JSON text (UTF-8), which is how the SDK sends it. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}

/**
 * About how large the request body of a batch with these operations is: the operations as JSON.
 * The SDK adds little of its own (an `id` for a create without one, a partition key string per
 * operation when one is given), so this is within a few bytes per operation of what is sent.
 */
export function batchRequestBytes(operations: readonly OperationInput[]): number {
  return jsonBytes(operations);
}

/** "2,404,108 bytes": byte counts with thousands separators, the same on every machine. */
export function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}
