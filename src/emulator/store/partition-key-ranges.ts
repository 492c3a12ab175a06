/**
 * Partition key ranges: a container's physical partitions, each owning a slice of the effective
 * partition key (EPK) space. The service gives a container ceil(throughput / 10,000) of them at
 * creation (autoscale: its maximum), splits them evenly, and splits them again when throughput is
 * raised past what they carry; it never merges them when throughput goes down.
 *
 * Boundaries are kept as positions in the hash space (hex, as JSON keeps them) beside the EPK
 * strings the feed reports, so that a split can find a range's midpoint for any scheme: V1 places
 * a key by its 32-bit hash, V2 and MultiHash by the 126 bits left of the (first) 128-bit hash.
 */
import { encodeNumber } from "./effective-partition-key";
import type { PartitionKeyDefinition } from "./partition-key";

export interface PartitionKeyRange {
  id: string;
  minInclusive: string;
  maxExclusive: string;
  /** The ids of the ranges this one was split from, oldest first. */
  parents: string[];
  /** Where the range starts and ends in the hash space, as hex. */
  start: string;
  end: string;
}

/** A container's ranges; `version` counts the splits and makes the feed's ETag. */
export interface PartitionKeyRanges {
  version: number;
  ranges: PartitionKeyRange[];
  /** Ranges split away, kept so that a request naming one is told it is gone (and for resuming queries). */
  gone: PartitionKeyRange[];
}

/** What one physical partition carries on the service. */
export const THROUGHPUT_PER_PARTITION = 10_000;

/** The lowest and highest EPK strings: every key sorts between them. */
export const MIN_EPK = "";
export const MAX_EPK = "FF";

/** The number of physical partitions the service gives this throughput: at least one. */
export function partitionCountFor(content: Record<string, unknown> | undefined): number {
  if (content === undefined) return 1;
  const autoscale = content.offerAutopilotSettings as { maxThroughput?: unknown } | undefined;
  const throughput = autoscale?.maxThroughput ?? content.offerThroughput;
  return typeof throughput === "number" ? Math.max(1, Math.ceil(throughput / THROUGHPUT_PER_PARTITION)) : 1;
}

/** The size of the hash space a definition's EPKs are placed by. */
function spaceSize(definition: PartitionKeyDefinition): bigint {
  return definition.kind === "Hash" && definition.version === 1 ? 1n << 32n : 1n << 126n;
}

/** The EPK string at a position of the hash space, as the service writes range boundaries. */
function boundaryAt(position: bigint, definition: PartitionKeyDefinition): string {
  if (position === 0n) return MIN_EPK;
  if (position >= spaceSize(definition)) return MAX_EPK;
  if (definition.kind === "Hash" && definition.version === 1) {
    return Buffer.from(encodeNumber(Number(position)))
      .toString("hex")
      .toUpperCase();
  }
  return position.toString(16).toUpperCase().padStart(32, "0");
}

function rangeOf(
  id: number,
  start: bigint,
  end: bigint,
  parents: string[],
  definition: PartitionKeyDefinition,
): PartitionKeyRange {
  return {
    id: String(id),
    minInclusive: boundaryAt(start, definition),
    maxExclusive: boundaryAt(end, definition),
    parents,
    start: start.toString(16),
    end: end.toString(16),
  };
}

/** `count` ranges splitting the space evenly, with ids "0", "1", ... */
export function initialRanges(count: number, definition: PartitionKeyDefinition): PartitionKeyRanges {
  const size = spaceSize(definition);
  const n = BigInt(count);
  const ranges = Array.from({ length: count }, (_, i) =>
    rangeOf(i, (size * BigInt(i)) / n, (size * BigInt(i + 1)) / n, [], definition),
  );
  return { version: 0, ranges, gone: [] };
}

const width = (range: PartitionKeyRange): bigint => BigInt(`0x${range.end}`) - BigInt(`0x${range.start}`);

/** The first of the widest ranges; boundaries rounded down leave ranges of one size a unit or two apart. */
function widestRange(ranges: PartitionKeyRange[]): PartitionKeyRange {
  let widest = 0n;
  for (const range of ranges) if (width(range) > widest) widest = width(range);
  return ranges.find((range) => width(range) + 2n >= widest) as PartitionKeyRange;
}

/**
 * The ranges after splits that bring them up to `count`: the widest range splits in two at its
 * midpoint, again and again; each child names its parent and the parent's parents, and takes the
 * next unused id. Fewer ranges than there are never come of it.
 */
export function splitTo(
  current: PartitionKeyRanges,
  count: number,
  definition: PartitionKeyDefinition,
): PartitionKeyRanges {
  if (current.ranges.length >= count) return current;
  let ranges = current.ranges;
  const gone = [...current.gone];
  let nextId = Math.max(...[...ranges, ...gone].map((range) => Number(range.id))) + 1;
  while (ranges.length < count) {
    const parent = widestRange(ranges);
    const start = BigInt(`0x${parent.start}`);
    const end = BigInt(`0x${parent.end}`);
    const middle = (start + end) / 2n;
    const parents = [...parent.parents, parent.id];
    const children = [
      rangeOf(nextId, start, middle, parents, definition),
      rangeOf(nextId + 1, middle, end, parents, definition),
    ];
    nextId += 2;
    const at = ranges.indexOf(parent);
    ranges = [...ranges.slice(0, at), ...children, ...ranges.slice(at + 1)];
    gone.push(parent);
  }
  return { version: current.version + 1, ranges, gone };
}

/** True when the EPK falls in [min, max): EPKs are upper-case hex and compare as strings. */
export const epkInRange = (epk: string, min: string, max: string): boolean => epk >= min && epk < max;

/** The range holding an EPK. */
export function rangeHolding(ranges: PartitionKeyRanges, epk: string): PartitionKeyRange | undefined {
  return ranges.ranges.find((range) => epkInRange(epk, range.minInclusive, range.maxExclusive));
}
