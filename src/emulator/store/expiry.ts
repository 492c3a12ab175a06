/**
 * Time to live: with a container `defaultTtl` (seconds, or -1 for "items decide"), an item expires
 * `ttl` (its own, else the default) seconds after its last write (`_ts`); `ttl: -1` never expires.
 * Without `defaultTtl` nothing expires, as on the service. Expired items are treated as absent by
 * every read, query and write; they are purged lazily when overwritten.
 */
import type { StoredContainer, StoredItem } from "./stored-resources";

export function isExpired(item: StoredItem, container: StoredContainer, nowSeconds = Date.now() / 1000): boolean {
  const defaultTtl = container.defaultTtl;
  if (typeof defaultTtl !== "number") return false;
  const ttl = typeof item.ttl === "number" ? item.ttl : defaultTtl;
  if (ttl <= 0) return false;
  return item._ts + ttl <= nowSeconds;
}
