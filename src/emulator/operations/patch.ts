/**
 * Partial document update (patch): add, set, replace, remove, incr, move, applied in order to a
 * copy of the item. A patch is all-or-nothing: any invalid operation rejects the whole patch with
 * 400 and the stored item is unchanged.
 *
 * Paths walk own properties only, and write them as own data properties. `__proto__`,
 * `constructor` and `prototype` are therefore ordinary property names, as they are on the service
 * (a JSON document may hold a property called `__proto__`): `/__proto__/x` on an item without such
 * a property has no parent (400), and `set /__proto__` stores a property of that name. Rejecting
 * the names instead would refuse documents the service accepts; following them, as plain `a[b]`
 * does, would reach Object.prototype and change every object of the process.
 */
import { badRequest, describeValue } from "../cosmos-error";
import type { Json } from "../store/stored-resources";

export interface PatchOperation {
  op: "add" | "set" | "replace" | "remove" | "incr" | "move";
  path: string;
  value?: unknown;
  from?: string;
}

export interface PatchRequest {
  operations: PatchOperation[];
  /** A filter like `from c where c.status = 'active'`; the patch applies only when it matches. */
  condition?: string;
}

/** The service accepts at most ten operations in one patch. */
const MAX_PATCH_OPERATIONS = 10;
const OPS = new Set(["add", "set", "replace", "remove", "incr", "move"]);

/** The SDK sends either `{ operations, condition? }` or the bare array of operations. */
export function parsePatchRequest(body: unknown): PatchRequest {
  if (Array.isArray(body)) return parsePatchRequest({ operations: body });
  if (body === null || typeof body !== "object") throw badRequest("The patch request body must be an object.");
  const { operations, condition } = body as { operations?: unknown; condition?: unknown };
  if (!Array.isArray(operations) || operations.length === 0) throw badRequest("Patch request has no operations.");
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw badRequest(`Patch request has more operations than the supported maximum of ${MAX_PATCH_OPERATIONS}.`);
  }
  for (const operation of operations as unknown[]) {
    const { op, path } = (operation ?? {}) as { op?: unknown; path?: unknown };
    if (typeof op !== "string" || !OPS.has(op))
      throw badRequest(`Invalid patch operation type '${describeValue(op)}'.`);
    if (typeof path !== "string" || !path.startsWith("/"))
      throw badRequest(`Invalid patch path '${describeValue(path)}': a path is a string starting with '/'.`);
  }
  if (condition !== undefined && typeof condition !== "string")
    throw badRequest("The patch condition must be a string.");
  return { operations: operations as PatchOperation[], ...(condition === undefined ? {} : { condition }) };
}

/** JSON-pointer style segments: `/a/b~1c/0` -> ["a", "b/c", "0"]. */
function segmentsOf(path: string): string[] {
  return path
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Json | unknown[];

/** The value of an own property, never an inherited one. */
export const ownProperty = (object: object, key: string): unknown =>
  Object.hasOwn(object, key) ? (object as Json)[key] : undefined;

/** Writes an own data property, even for a key like `__proto__` that plain assignment would treat as the prototype. */
function setOwn(object: Json, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The object or array that holds the path's last segment; 400 when it does not exist. */
function parentOf(document: Json, path: string): { parent: Container; key: string } {
  const segments = segmentsOf(path);
  const key = segments.pop();
  if (key === undefined || key === "") throw badRequest(`Invalid patch path '${path}'.`);
  let current: object = document;
  for (const segment of segments) {
    const next = Array.isArray(current) ? current[Number(segment)] : ownProperty(current, segment);
    if (next === null || typeof next !== "object") {
      throw badRequest(`For Operation(s) with path '${path}': the parent of the target path does not exist.`);
    }
    current = next;
  }
  return { parent: current as Container, key };
}

function arrayIndex(array: unknown[], key: string, path: string, allowEnd: boolean): number {
  if (key === "-" && allowEnd) return array.length;
  const index = Number(key);
  const limit = allowEnd ? array.length : array.length - 1;
  if (!Number.isInteger(index) || index < 0 || index > limit) {
    throw badRequest(`For Operation(s) with path '${path}': the array index is out of range.`);
  }
  return index;
}

function has(parent: Container, key: string): boolean {
  if (Array.isArray(parent)) return Number.isInteger(Number(key)) && Number(key) >= 0 && Number(key) < parent.length;
  return Object.hasOwn(parent, key);
}

function get(parent: Container, key: string): unknown {
  return Array.isArray(parent) ? parent[Number(key)] : ownProperty(parent, key);
}

function removeAt(document: Json, path: string): unknown {
  const { parent, key } = parentOf(document, path);
  if (!has(parent, key)) throw badRequest(`For Operation(s) with path '${path}': the target path does not exist.`);
  const value = get(parent, key);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else delete parent[key];
  return value;
}

function applyOne(document: Json, operation: PatchOperation): void {
  const { op, path } = operation;
  switch (op) {
    case "add": {
      // On arrays `add` inserts (or appends with "-"); on objects it creates or overwrites.
      const { parent, key } = parentOf(document, path);
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, operation.value);
      else setOwn(parent, key, operation.value);
      return;
    }
    case "set": {
      // On arrays `set` overwrites the element at the index; otherwise like add.
      const { parent, key } = parentOf(document, path);
      if (Array.isArray(parent)) {
        const index = arrayIndex(parent, key, path, true);
        if (index === parent.length) parent.push(operation.value);
        else parent[index] = operation.value;
      } else setOwn(parent, key, operation.value);
      return;
    }
    case "replace": {
      const { parent, key } = parentOf(document, path);
      if (!has(parent, key)) throw badRequest(`For Operation(s) with path '${path}': the target path does not exist.`);
      if (Array.isArray(parent)) parent[arrayIndex(parent, key, path, false)] = operation.value;
      else setOwn(parent, key, operation.value);
      return;
    }
    case "remove":
      removeAt(document, path);
      return;
    case "incr": {
      if (typeof operation.value !== "number")
        throw badRequest(`For Operation(s) with path '${path}': incr needs a number.`);
      const { parent, key } = parentOf(document, path);
      const current = has(parent, key) ? get(parent, key) : 0;
      if (typeof current !== "number") {
        throw badRequest(`For Operation(s) with path '${path}': the target is not a number.`);
      }
      const next = current + operation.value;
      if (Array.isArray(parent)) parent[arrayIndex(parent, key, path, false)] = next;
      else setOwn(parent, key, next);
      return;
    }
    case "move": {
      if (typeof operation.from !== "string" || !operation.from.startsWith("/")) {
        throw badRequest(`For Operation(s) with path '${path}': move needs a 'from' path.`);
      }
      if (path.startsWith(`${operation.from}/`)) {
        throw badRequest(`For Operation(s) with path '${path}': cannot move a value into one of its children.`);
      }
      const value = removeAt(document, operation.from);
      applyOne(document, { op: "add", path, value });
      return;
    }
  }
}

/** Applies the operations to a deep copy of `document`; the original is never touched. */
export function applyPatch(document: Json, operations: PatchOperation[]): Json {
  const copy = structuredClone(document);
  for (const operation of operations) applyOne(copy, operation);
  return copy;
}

/** Top-level paths a patch may not change: the id and the system properties. */
export function touchesProtectedPath(operations: PatchOperation[], partitionKeyPaths: string[]): string | undefined {
  for (const operation of operations) {
    for (const path of [operation.path, operation.from]) {
      if (path === undefined) continue;
      if (path === "/id" || /^\/_(rid|self|etag|ts|attachments)(\/|$)/.test(path)) return path;
      if (partitionKeyPaths.some((pk) => path === pk || pk.startsWith(`${path}/`))) return path;
    }
  }
  return undefined;
}
