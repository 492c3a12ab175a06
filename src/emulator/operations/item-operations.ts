/**
 * Item operations on one logical partition: create, upsert, replace, read, delete, patch.
 *
 * They work on a staged view of the partition handed in by the caller (see transactions.ts): single
 * writes, transactional batches and bulk all go through here, so the same rules apply everywhere.
 * Each returns the outcome or throws a `CosmosError` carrying the status the service would give.
 */
import { pointReadCharge, writeCharge } from "./charges";
import { CosmosError, SubStatus, badRequest, conflict, preconditionFailed } from "../cosmos-error";
import { isExpired } from "../store/expiry";
import { canonicalKey, partitionKeyOf, readPath, requireFullKey, type PartitionKeyValue } from "../store/partition-key";
import { applyPatch, touchesProtectedPath, type PatchRequest } from "./patch";
import { loadedQueryEngine } from "./query-engine";
import {
  invalidIdReason,
  invalidTtlReason,
  newEtag,
  newItemRid,
  nowSeconds,
  withoutSystemProperties,
  type Json,
  type StoredItem,
  type WithId,
} from "../store/stored-resources";
import { serializedBytes, serializedItem } from "../store/serialized-json";
import type { Container, PartitionView } from "../store/store";

/** The service's limit on one item, as stored (with its system properties). */
export const MAX_ITEM_BYTES = 2 * 1024 * 1024;

/** Optimistic concurrency: `ifMatch` must equal the stored ETag, `ifNoneMatch` must not. */
export interface Preconditions {
  ifMatch?: string;
  ifNoneMatch?: string;
}

export type ItemOperation =
  | { kind: "create"; body: unknown }
  | ({ kind: "upsert"; body: unknown } & Preconditions)
  | ({ kind: "replace"; id: string; body: unknown } & Preconditions)
  | { kind: "read"; id: string; ifNoneMatch?: string }
  | ({ kind: "delete"; id: string } & Preconditions)
  | ({ kind: "patch"; id: string; patch: PatchRequest } & Preconditions);

export interface ItemOperationOutcome {
  status: number;
  /** The stored item after the operation (absent for delete and 304). */
  item?: StoredItem;
  charge: number;
}

/** Where operations land: one logical partition of one container. */
export interface PartitionTarget {
  container: Container;
  databaseRid: string;
  /** Canonical partition key (see `canonicalKey`). */
  key: string;
}

/** Where operations on the logical partition `value` names land; 400 unless `value` is a full key. */
export function partitionTarget(container: Container, databaseRid: string, value: PartitionKeyValue): PartitionTarget {
  requireFullKey(value, container.definition);
  return { container, databaseRid, key: canonicalKey(value) };
}

const PK_MISMATCH =
  "PartitionKey extracted from document doesn't match the one specified in the header. Learn more: https://aka.ms/CosmosDB/sql/errors/wrong-pk-value";

function asDocument(body: unknown): WithId {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("The input content is invalid because the request body is not a JSON object.");
  }
  const document = body as Json;
  const reason =
    invalidIdReason(document.id, "item") ?? ("ttl" in document ? invalidTtlReason("ttl", document.ttl) : undefined);
  if (reason) throw badRequest(reason);
  return document as WithId; // invalidIdReason accepts only a non-empty string id
}

function checkPartition(document: Json, target: PartitionTarget): void {
  if (canonicalKey(partitionKeyOf(document, target.container.definition)) !== target.key) {
    throw badRequest(PK_MISMATCH, SubStatus.PartitionKeyMismatch);
  }
}

/**
 * Stamps system properties; a replaced item keeps its `_rid` and `_self`. The document is changed
 * in place: it was parsed for this request alone (or copied from the stored item, for a patch), so
 * copying every property once more would buy nothing.
 */
function stamp(document: WithId, target: PartitionTarget, previous: StoredItem | undefined): StoredItem {
  const rid = previous?._rid ?? newItemRid(target.container.rid);
  const item = document as WithId & Partial<StoredItem>;
  item._rid = rid;
  item._self = `dbs/${target.databaseRid}/colls/${target.container.rid}/docs/${rid}/`;
  item._etag = newEtag();
  item._attachments = "attachments/";
  item._ts = nowSeconds();
  return item as StoredItem;
}

function requireMatch(existing: StoredItem, { ifMatch, ifNoneMatch }: Preconditions): void {
  if (ifMatch !== undefined && ifMatch !== "*" && ifMatch !== existing._etag) throw preconditionFailed();
  if (ifNoneMatch !== undefined && (ifNoneMatch === "*" || ifNoneMatch === existing._etag)) throw preconditionFailed();
}

/** The stored item, unless it is missing or expired. */
function current(partition: PartitionView, target: PartitionTarget, id: string): StoredItem | undefined {
  const item = partition.get(id);
  return item && !isExpired(item, target.container.resource) ? item : undefined;
}

function existing(partition: PartitionView, target: PartitionTarget, id: string): StoredItem {
  const item = current(partition, target, id);
  if (!item) {
    throw new CosmosError(
      404,
      "Entity with the specified id does not exist in the system. More info: https://aka.ms/cosmosdb-tsg-not-found",
    );
  }
  return item;
}

/** Unique keys hold within one logical partition: no two items share the values of a key's paths. */
function checkUniqueKeys(partition: PartitionView, target: PartitionTarget, item: StoredItem): void {
  for (const { paths = [] } of target.container.resource.uniqueKeyPolicy?.uniqueKeys ?? []) {
    if (paths.length === 0) continue;
    const valuesOf = (doc: Json) => JSON.stringify(paths.map((p) => readPath(doc, p) ?? null));
    const mine = valuesOf(item);
    for (const other of partition.values()) {
      if (other.id !== item.id && !isExpired(other, target.container.resource) && valuesOf(other) === mine) {
        throw new CosmosError(409, "Unique index constraint violation.");
      }
    }
  }
}

/** Stores the stamped item; its JSON, made here once, also gives its size and its charge (and later its reply). */
function write(
  partition: PartitionView,
  target: PartitionTarget,
  item: StoredItem,
  status: number,
): ItemOperationOutcome {
  const { bytes } = serializedItem(item);
  if (bytes > MAX_ITEM_BYTES) throw new CosmosError(413, "Request size is too large.");
  checkUniqueKeys(partition, target, item);
  partition.set(item.id, item);
  return { status, item, charge: writeCharge(bytes) };
}

export function executeOperation(
  partition: PartitionView,
  target: PartitionTarget,
  operation: ItemOperation,
): ItemOperationOutcome {
  switch (operation.kind) {
    case "create": {
      const document = asDocument(operation.body);
      checkPartition(document, target);
      if (current(partition, target, document.id)) throw conflict();
      return write(partition, target, stamp(document, target, undefined), 201);
    }
    case "upsert": {
      const document = asDocument(operation.body);
      checkPartition(document, target);
      const previous = current(partition, target, document.id);
      if (previous) requireMatch(previous, operation);
      else if (operation.ifMatch !== undefined) throw preconditionFailed();
      return write(partition, target, stamp(document, target, previous), previous ? 200 : 201);
    }
    case "replace": {
      const document = asDocument(operation.body);
      if (document.id !== operation.id) {
        throw badRequest("The id in the request body does not match the id of the item being replaced.");
      }
      checkPartition(document, target);
      const previous = existing(partition, target, operation.id);
      requireMatch(previous, operation);
      return write(partition, target, stamp(document, target, previous), 200);
    }
    case "read": {
      const item = existing(partition, target, operation.id);
      if (
        operation.ifNoneMatch !== undefined &&
        (operation.ifNoneMatch === "*" || operation.ifNoneMatch === item._etag)
      ) {
        return { status: 304, charge: pointReadCharge(serializedBytes(item)) };
      }
      return { status: 200, item, charge: pointReadCharge(serializedItem(item).bytes) };
    }
    case "delete": {
      const item = existing(partition, target, operation.id);
      requireMatch(item, operation);
      partition.delete(operation.id);
      return { status: 204, charge: writeCharge(serializedBytes(item)) };
    }
    case "patch": {
      const previous = existing(partition, target, operation.id);
      requireMatch(previous, operation);
      const { operations, condition } = operation.patch;
      const protectedPath = touchesProtectedPath(operations, target.container.definition.paths);
      if (protectedPath)
        throw badRequest(
          `Patch of '${protectedPath}' is not allowed: the id, the partition key and system properties cannot be patched.`,
        );
      if (condition !== undefined && !loadedQueryEngine().matchesCondition(previous, condition))
        throw preconditionFailed();
      // Patch cannot touch /id (see touchesProtectedPath), so the patched item keeps its id.
      const patched: WithId = { ...applyPatch(withoutSystemProperties(previous), operations), id: previous.id };
      checkPartition(patched, target);
      return write(partition, target, stamp(patched, target, previous), 200);
    }
  }
}
