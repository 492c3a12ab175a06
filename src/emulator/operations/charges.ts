/**
 * Request charges (request units, RU): one deterministic model for the whole emulator.
 *
 * The service does not publish its exact formula; it documents the anchors this model keeps:
 *  - a point read of a 1 KB item costs 1 RU, and reads grow by 1 RU per started KB;
 *  - a write (create, replace, upsert, patch, delete) of a 1 KB item costs about 5-6 RU, and grows
 *    with the size of the item, because every property is indexed and replicated;
 *  - a query costs a fixed planning overhead plus an amount per item scanned and per KB returned;
 *  - a transactional batch or bulk request costs the sum of its operations.
 * Operations that fail cost a small, fixed amount (the service still did the lookup); operations
 * that never ran (424 in a batch) cost nothing. Charges are rounded to two decimals as the service
 * reports them. The same request against the same data always costs the same.
 */

const KB = 1024;

/** Every charge is reported with two decimals. */
const round = (ru: number): number => Math.round(ru * 100) / 100;

const startedKilobytes = (bytes: number): number => Math.max(1, Math.ceil(bytes / KB));

export const byteSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/** A point read: 1 RU per started KB of the item. */
export function pointReadCharge(itemBytes: number): number {
  return round(startedKilobytes(itemBytes));
}

const WRITE_BASE_RU = 5;
const WRITE_RU_PER_KB = 0.9;

/** A write of an item of `itemBytes` (for a delete: the size of the removed item). */
export function writeCharge(itemBytes: number): number {
  return round(WRITE_BASE_RU + WRITE_RU_PER_KB * (itemBytes / KB));
}

/** An operation rejected after the lookup (404, 409, 412, 400 on a body). */
export const FAILED_OPERATION_RU = 1;

/** An operation of a failed batch that was never applied. */
export const NOT_EXECUTED_RU = 0;

const QUERY_BASE_RU = 2.3;
const QUERY_RU_PER_SCANNED_ITEM = 0.03;
const QUERY_RU_PER_RETURNED_KB = 1;

/** A query page: planning overhead, the items it had to look at, and what it sent back. */
export function queryCharge(itemsScanned: number, bytesReturned: number): number {
  return round(
    QUERY_BASE_RU + QUERY_RU_PER_SCANNED_ITEM * itemsScanned + QUERY_RU_PER_RETURNED_KB * (bytesReturned / KB),
  );
}

/** Reading or writing a database, container, offer or the partition key ranges: metadata is cheap. */
export function metadataCharge(bytes: number): number {
  return round(startedKilobytes(bytes));
}

/** A batch (or bulk request) header: the sum of its operations. */
export function sumCharges(charges: number[]): number {
  return round(charges.reduce((total, ru) => total + ru, 0));
}
