/**
 * Stored resources — databases, containers, items, offers — and their system properties: `_rid`,
 * `_self`, `_etag`, `_ts`. Resource ids follow the service's layout (a container's rid extends its
 * database's, an item's extends its container's), so `_self` links read like the real ones.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { PartitionKeyDefinition } from "./partition-key";

export type Json = Record<string, unknown>;

/** A JSON object whose id has been checked (see `invalidIdReason`): a non-empty string. */
export type WithId = Json & { id: string };

/** What the emulator stamps on every resource it stores. */
export interface SystemProperties {
  _rid: string;
  _self: string;
  _etag: string;
  /** Seconds since the epoch of the last write. */
  _ts: number;
}

/** Every stored resource: its id, its system properties, and whatever else the client sent. */
export interface StoredResource extends SystemProperties {
  id: string;
  [property: string]: unknown;
}

export interface StoredDatabase extends StoredResource {
  _colls: string;
  _users: string;
}

export interface StoredContainer extends StoredResource {
  partitionKey: PartitionKeyDefinition;
  indexingPolicy: Json;
  uniqueKeyPolicy?: { uniqueKeys?: { paths?: string[] }[] };
  /** Seconds, or -1 for "items decide"; null or absent: nothing expires (see expiry.ts). */
  defaultTtl?: number | null;
}

export interface StoredItem extends StoredResource {
  _attachments: string;
  /** The item's own time to live in seconds (-1: never expires). */
  ttl?: number;
}

/** The throughput of one database or container, which it names by `_self` in `resource`. */
export interface StoredOffer extends StoredResource {
  resource: string;
  offerResourceId: string;
  offerType: string;
  offerVersion: string;
  content: Json;
}

/** Property names the service owns; values sent by clients are replaced. */
export const SYSTEM_PROPERTIES = ["_rid", "_self", "_etag", "_ts", "_attachments"] as const;

/** The service's rids are base64 with `-` in place of `/` so they can sit in a path. */
const encodeRid = (bytes: Buffer): string => bytes.toString("base64").replace(/\//g, "-");
const decodeRid = (rid: string): Buffer => Buffer.from(rid.replace(/-/g, "/"), "base64");

export const newDatabaseRid = (): string => encodeRid(randomBytes(4));
export const newContainerRid = (databaseRid: string): string =>
  encodeRid(Buffer.concat([decodeRid(databaseRid), randomBytes(4)]));
/**
 * Feeds and queries return items in `_rid` order, and the service's item rids grow as items are
 * written, so results come back in the order items were written. An item rid is the container's
 * 8 bytes and 8 more that carry a sequence taken from the clock (so it keeps growing across
 * restarts), written as base64 digits 0-51 only (A-Z, a-z): their text then sorts like the numbers.
 */
const ORDERED_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
let lastItemSequence = 0;
export function newItemRid(containerRid: string): string {
  lastItemSequence = Math.max(lastItemSequence + 1, Date.now() * 1000);
  let digits = "";
  for (let rest = lastItemSequence, i = 0; i < 10; i++, rest = Math.floor(rest / 52))
    digits = ORDERED_DIGITS[rest % 52] + digits;
  // 16 bytes are 22 base64 digits and "==": digits 0-10 hold the container's bytes (and two zero
  // bits), 11-20 the sequence, 21 two zero bits.
  const template = encodeRid(Buffer.concat([decodeRid(containerRid), Buffer.alloc(8)]));
  return template.slice(0, 11) + digits + template.slice(21);
}
export const newOfferRid = (): string => encodeRid(randomBytes(3)).slice(0, 4);

/** ETags are opaque quoted strings; a fresh one on every write. */
export const newEtag = (): string => `"${randomUUID()}"`;

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function withoutSystemProperties(body: Json): Json {
  const copy: Json = { ...body };
  for (const name of SYSTEM_PROPERTIES) delete copy[name];
  return copy;
}

/**
 * Ids become path segments. The service refuses '/', '\\', '?', '#' and a trailing space in the ids
 * of databases and containers; item ids may hold '?' and end in spaces, but not '/', '\\' or '#'.
 */
export function invalidIdReason(id: unknown, kind: "resource" | "item" = "resource"): string | undefined {
  if (typeof id !== "string" || id.length === 0) {
    return "The input content is invalid because the required properties - 'id; ' - are missing";
  }
  const item = kind === "item";
  if (id.length > 1023 || (item ? /[/\\#]/ : /[/\\?#]/).test(id) || (!item && id.endsWith(" "))) {
    const characters = item ? "'/', '\\', '#'" : "'/', '\\', '?', '#'";
    return `The input name '${id}' is invalid. Ensure to provide a unique non-empty string less than '1024' characters. Ensure to not include ${characters} characters.`;
  }
  return undefined;
}

/** `ttl` and `defaultTtl`: -1 (never expire) or a positive 32-bit integer. */
export function invalidTtlReason(name: "ttl" | "defaultTtl", value: unknown): string | undefined {
  if (
    Number.isInteger(value) &&
    ((value as number) === -1 || ((value as number) > 0 && (value as number) <= 2147483647))
  )
    return undefined;
  return `The input ${name} '${String(value)}' is invalid. Ensure to provide a nonzero positive integer less than or equal to '2147483647', or '-1' which means never expire.`;
}
