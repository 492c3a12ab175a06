/**
 * Which items a partition key range holds. Items are stored by logical partition, and every item
 * of a logical partition has the same effective partition key, so the EPK is computed once per
 * logical partition and kept; a range then reads only the partitions whose EPK falls in it.
 * Callers await `loadPartitionHashing()` first.
 */
import { effectivePartitionKey } from "./effective-partition-key";
import { toPartitionKey } from "./partition-key";
import { epkInRange, MAX_EPK, MIN_EPK } from "./partition-key-ranges";
import type { Json } from "./stored-resources";
import type { Container } from "./store";

/** EPKs by the canonical key of their logical partition, per container. */
const epkCache = new WeakMap<Container, Map<string, string>>();

/** The EPK of one of the container's logical partitions, named by its canonical key. */
export function partitionEpk(container: Container, partitionKey: string): string {
  let cache = epkCache.get(container);
  if (cache === undefined) {
    cache = new Map();
    epkCache.set(container, cache);
  }
  let epk = cache.get(partitionKey);
  if (epk === undefined) {
    epk = effectivePartitionKey(toPartitionKey(JSON.parse(partitionKey)), container.definition);
    cache.set(partitionKey, epk);
  }
  return epk;
}

/** An EPK range [min, max) of a container: a partition key range, or part of one. */
export interface EpkRange {
  min: string;
  max: string;
}

export const coversEverything = (range: EpkRange): boolean => range.min === MIN_EPK && range.max === MAX_EPK;

/** The live items of the logical partitions whose EPK falls in the range, in storage order. */
export function itemsInEpkRange(container: Container, range: EpkRange): Json[] {
  if (coversEverything(range)) return [...container.allItems()];
  const items: Json[] = [];
  for (const [key, partition] of container.partitions) {
    if (epkInRange(partitionEpk(container, key), range.min, range.max)) items.push(...container.liveItems(partition));
  }
  return items;
}

/** True when the logical partition (by canonical key) lies in the range. */
export const partitionInRange = (container: Container, partitionKey: string, range: EpkRange): boolean =>
  coversEverything(range) || epkInRange(partitionEpk(container, partitionKey), range.min, range.max);
