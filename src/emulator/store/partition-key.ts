/**
 * Partition keys: the container's definition, the value an item carries, and the canonical string
 * that names its logical partition. Values are compared parsed, never as raw header text (the SDK
 * escapes non-ASCII as \uXXXX in the header but not inside batch operations).
 */
import { badRequest } from "../cosmos-error";

export interface PartitionKeyDefinition {
  paths: string[];
  kind: "Hash" | "MultiHash";
  version: 1 | 2;
}

/** One component of a partition key. `NONE` stands for "the item has no such property" (`{}` on the wire). */
export type PartitionKeyComponent = string | number | boolean | null | typeof NONE;
export const NONE: Readonly<Record<string, never>> = Object.freeze({});

export type PartitionKeyValue = PartitionKeyComponent[];

/** Hierarchical partition keys allow at most three levels. */
const MAX_HIERARCHY = 3;

/** Fills in the defaults the service applies (`Hash`, version 2) and rejects malformed definitions. */
export function normalizeDefinition(input: unknown): PartitionKeyDefinition {
  if (input === undefined || input === null) {
    // A container created without a partition key gets the service's legacy default.
    return { paths: ["/_partitionKey"], kind: "Hash", version: 2 };
  }
  if (typeof input !== "object") throw badRequest("The partition key definition must be an object.");
  const { paths, kind, version } = input as { paths?: unknown; kind?: unknown; version?: unknown };
  if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === "string")) {
    throw badRequest("The partition key definition must contain at least one path starting with '/'.");
  }
  const unrooted = (paths as string[]).find((p) => !p.startsWith("/"));
  if (unrooted !== undefined) {
    // The service's words for a path without its leading '/'.
    throw badRequest(
      `The partition key component definition path '${unrooted}' could not be accepted, failed near position '0'. Partition key paths must contain only valid characters and not contain a trailing slash or wildcard character.`,
    );
  }
  const resolvedKind = kind === undefined ? (paths.length > 1 ? "MultiHash" : "Hash") : kind;
  if (resolvedKind !== "Hash" && resolvedKind !== "MultiHash") {
    throw badRequest(`Partition key kind '${String(kind)}' is not supported.`);
  }
  if (resolvedKind === "Hash" && paths.length !== 1) {
    throw badRequest("A partition key of kind Hash has exactly one path; use MultiHash for hierarchical keys.");
  }
  if (paths.length > MAX_HIERARCHY) {
    throw badRequest(`A hierarchical partition key has at most ${MAX_HIERARCHY} paths.`);
  }
  const resolvedVersion = version === undefined ? 2 : version;
  if (resolvedVersion !== 1 && resolvedVersion !== 2) throw badRequest("Partition key version must be 1 or 2.");
  return { paths: paths as string[], kind: resolvedKind, version: resolvedVersion };
}

/** Partition key and unique key paths are few and read on every operation: parse each once. */
const parsedPaths = new Map<string, readonly string[]>();

/** Splits `/a/"b c"/d` into property names, honouring quoted segments. */
export function pathSegments(path: string): readonly string[] {
  let segments = parsedPaths.get(path);
  if (segments === undefined) {
    segments = parsePathSegments(path);
    if (parsedPaths.size < 10_000) parsedPaths.set(path, segments);
  }
  return segments;
}

function parsePathSegments(path: string): string[] {
  const segments: string[] = [];
  const pattern = /\/(?:"((?:[^"\\]|\\.)*)"|([^/]*))/g;
  for (const match of path.matchAll(pattern)) {
    segments.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, "$1") : (match[2] ?? ""));
  }
  return segments;
}

/** The value at a `/a/b` path of a document, or undefined. */
export function readPath(body: unknown, path: string): unknown {
  let current: unknown = body;
  for (const segment of pathSegments(path)) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function asComponent(value: unknown): PartitionKeyComponent {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  // Missing properties, objects and arrays all land in the "none" partition, as on the service.
  return NONE;
}

/** The partition key value an item body carries under the container's definition. */
export function partitionKeyOf(body: unknown, definition: PartitionKeyDefinition): PartitionKeyValue {
  return definition.paths.map((path) => asComponent(readPath(body, path)));
}

function isNone(component: unknown): boolean {
  return (
    typeof component === "object" &&
    component !== null &&
    !Array.isArray(component) &&
    Object.keys(component).length === 0
  );
}

/** Parses a JSON array partition key as sent in `x-ms-documentdb-partitionkey` or an operation's `partitionKey`. */
export function parsePartitionKey(text: string): PartitionKeyValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(`The partition key '${text}' is not valid JSON.`);
  }
  return toPartitionKey(parsed);
}

/** A partition key value from parsed JSON: an array of components, or a single one. */
export function toPartitionKey(parsed: unknown): PartitionKeyValue {
  return (Array.isArray(parsed) ? parsed : [parsed]).map((component: unknown) => {
    if (isNone(component)) return NONE;
    if (component === null || ["string", "number", "boolean"].includes(typeof component)) {
      return component as PartitionKeyComponent;
    }
    throw badRequest(
      `The partition key component ${JSON.stringify(component)} is not a string, number, boolean or null.`,
    );
  });
}

/** The key of a logical partition in the storage maps: the canonical JSON of the value. */
export function canonicalKey(value: PartitionKeyValue): string {
  return JSON.stringify(value.map((component) => (component === NONE ? {} : component)));
}

/** A full key names one logical partition; anything shorter is a prefix (hierarchical keys only). */
export function requireFullKey(value: PartitionKeyValue, definition: PartitionKeyDefinition): void {
  if (value.length !== definition.paths.length) {
    throw badRequest(
      `Partition key provided either doesn't correspond to definition in the collection or doesn't match partition key field values specified in the document.`,
      1001,
    );
  }
}

/** True when `prefix` names `key` or a hierarchy above it. */
export function isPrefixOf(prefix: PartitionKeyValue, key: PartitionKeyValue): boolean {
  return (
    prefix.length <= key.length &&
    prefix.every((component, i) => canonicalKey([component]) === canonicalKey([key[i] ?? NONE]))
  );
}
