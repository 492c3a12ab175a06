/**
 * Stored resources — databases, containers, items, offers — and their system properties: `_rid`,
 * `_self`, `_etag`, `_ts`. Resource ids follow the service's layout (a container's rid extends its
 * database's, an item's extends its container's), so `_self` links read like the real ones.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describeValue } from "../cosmos-error";
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
  const { head, tail } = itemRidFrame(containerRid);
  return head + digits + tail;
}

/**
 * What an item rid keeps of its container's: 16 bytes are 22 base64 digits and "==", digits 0-10
 * hold the container's bytes (and two zero bits), 11-20 the sequence, 21 two zero bits. Worked out
 * once per container, not for every item written.
 */
const itemRidFrames = new Map<string, { head: string; tail: string }>();
function itemRidFrame(containerRid: string): { head: string; tail: string } {
  let frame = itemRidFrames.get(containerRid);
  if (frame === undefined) {
    const template = encodeRid(Buffer.concat([decodeRid(containerRid), Buffer.alloc(8)]));
    frame = { head: template.slice(0, 11), tail: template.slice(21) };
    // Containers are few; a workload that makes and drops many just works the frame out again.
    if (itemRidFrames.size >= 1000) itemRidFrames.clear();
    itemRidFrames.set(containerRid, frame);
  }
  return frame;
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
 * The service's limits on ids: an item id holds at most 1,023 bytes of UTF-8 (so 600 "é", 1,200
 * bytes, is too long), the name of a database or container at most 255 characters.
 */
export const MAX_ITEM_ID_BYTES = 1023;
export const MAX_RESOURCE_ID_CHARACTERS = 255;

/**
 * Ids become path segments. The service refuses '/', '\\', '?', '#' and a trailing space in the ids
 * of databases and containers; item ids may hold '?' and end in spaces, but not '/', '\\' or '#'.
 */
export function invalidIdReason(id: unknown, kind: "resource" | "item" = "resource"): string | undefined {
  if (typeof id !== "string" || id.length === 0) {
    return "The input content is invalid because the required properties - 'id; ' - are missing";
  }
  const item = kind === "item";
  const shown = id.length > 100 ? `${id.slice(0, 100)}...` : id;
  if (item && Buffer.byteLength(id, "utf8") > MAX_ITEM_ID_BYTES) {
    return `The input name '${shown}' is invalid: an item id holds at most ${MAX_ITEM_ID_BYTES} bytes of UTF-8, and this one has ${Buffer.byteLength(id, "utf8")}.`;
  }
  if (!item && id.length > MAX_RESOURCE_ID_CHARACTERS) {
    return `The input name '${shown}' is invalid: the id of a database or container holds at most ${MAX_RESOURCE_ID_CHARACTERS} characters, and this one has ${id.length}.`;
  }
  if ((item ? /[/\\#]/ : /[/\\?#]/).test(id) || (!item && id.endsWith(" "))) {
    const characters = item ? "'/', '\\', '#'" : "'/', '\\', '?', '#'";
    return `The input name '${shown}' is invalid. Ensure to not include ${characters} characters.`;
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
  return `The input ${name} '${describeValue(value)}' is invalid. Ensure to provide a nonzero positive integer less than or equal to '2147483647', or '-1' which means never expire.`;
}
