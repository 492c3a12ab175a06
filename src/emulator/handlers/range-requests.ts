/**
 * Requests that name a partition key range (`x-ms-documentdb-partitionkeyrangeid`): the SDK's
 * cross-partition queries, read feeds and bulk. Which EPKs such a request covers, what a range that
 * split answers (410/1002), how a parent's continuation resumes on its children, and the gateway's
 * 400/1004 that makes the SDK run its own pipeline over the ranges.
 */
import { Header } from "../http/headers";
import { badRequest, CosmosError } from "../cosmos-error";
import { header, jsonBody, type EmulatorRequest, type Reply } from "../http/server";
import { loadQueryEngine } from "../operations/query-engine";
import { loadPartitionHashing } from "../store/effective-partition-key";
import { canonicalKey, parsePartitionKey, partitionKeyOf, type PartitionKeyValue } from "../store/partition-key";
import { epkInRange } from "../store/partition-key-ranges";
import { coversEverything, itemsInEpkRange, partitionEpk, type EpkRange } from "../store/range-routing";
import type { Json } from "../store/stored-resources";
import type { Container } from "../store/store";

/** The service's answer to a request for a range that split (or never was): the SDK then refreshes its ranges. */
const partitionKeyRangeGone = (id: string, container: Container): CosmosError =>
  new CosmosError(410, `PartitionKeyRange with id '${id}' in collection '${container.rid}' doesn't exist.`, 1002);

/**
 * The EPK range a request names by `x-ms-documentdb-partitionkeyrangeid` (the SDK's cross-partition
 * queries, read feeds and bulk), narrowed by `x-ms-start-epk` / `x-ms-end-epk` when the SDK sends
 * part of a range; undefined when it names none.
 */
export async function requestedRange(container: Container, request: EmulatorRequest): Promise<EpkRange | undefined> {
  const id = header(request, Header.partitionKeyRangeId);
  if (id === undefined) return undefined;
  const range = container.partitionKeyRanges.ranges.find((candidate) => candidate.id === id);
  if (range === undefined) throw partitionKeyRangeGone(id, container);
  const start = header(request, Header.startEpk);
  const end = header(request, Header.endEpk);
  const bounds = {
    min: start !== undefined && start > range.minInclusive ? start : range.minInclusive,
    max: end !== undefined && end < range.maxExclusive ? end : range.maxExclusive,
  };
  // The one range of a small container holds everything: nothing to hash.
  if (!coversEverything(bounds)) await loadPartitionHashing();
  return bounds;
}

/**
 * Continuations of requests sent to a range carry the range's EPKs. When a range splits the SDK
 * sends its parent's token to each child; the child then resumes where the parent stopped, counting
 * only the parent's items that are its own.
 */
interface RangedToken {
  epk: [string, string];
  token: string;
}

function parseRangedToken(text: string | undefined): RangedToken | undefined {
  if (text === undefined || !text.startsWith('{"epk":')) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<RangedToken>;
    const bounds = parsed.epk;
    const valid = Array.isArray(bounds) && bounds.length === 2 && bounds.every((bound) => typeof bound === "string");
    return valid && typeof parsed.token === "string" ? (parsed as RangedToken) : undefined;
  } catch {
    return undefined;
  }
}

const rangedToken = (range: EpkRange, token: string): string =>
  JSON.stringify({ epk: [range.min, range.max], token } satisfies RangedToken);

function itemEpk(container: Container, item: Json): string {
  return partitionEpk(container, canonicalKey(partitionKeyOf(item, container.definition)));
}

/**
 * The token a range resumes from, given the one the client sent: its own as it is, its parent's
 * translated by `translate` (which sees the parent's items), anything else as it is (for the
 * query engine to refuse).
 */
export function resumeToken(
  container: Container,
  range: EpkRange,
  sent: string | undefined,
  translate: (parentItems: Json[], inRange: (item: Json) => boolean, token: string) => string | undefined,
): string | undefined {
  const ranged = parseRangedToken(sent);
  if (ranged === undefined) return sent;
  const [min, max] = ranged.epk;
  if (min === range.min && max === range.max) return ranged.token;
  const parentItems = itemsInEpkRange(container, { min, max });
  return translate(parentItems, (item) => epkInRange(itemEpk(container, item), range.min, range.max), ranged.token);
}

/** A read feed's token is a position: the child's is how many of the parent's passed items are its own. */
export function childFeedToken(parentItems: Json[], inRange: (item: Json) => boolean, token: string): string {
  return String(parentItems.slice(0, Number(token)).filter(inRange).length);
}

/**
 * A streamed query's token is the position of the next item and how far into it the page got; an
 * ordered or aggregated one (computed whole per range) starts the child over.
 */
export function childQueryToken(
  parentItems: Json[],
  inRange: (item: Json) => boolean,
  token: string,
): string | undefined {
  let resume: { kind?: unknown; index?: unknown; rowsDone?: unknown };
  try {
    resume = JSON.parse(token) as typeof resume;
  } catch {
    return token;
  }
  if (resume.kind !== "stream" || typeof resume.index !== "number") return undefined;
  const next = parentItems[resume.index];
  const index = parentItems.slice(0, resume.index).filter(inRange).length;
  const rowsDone = next !== undefined && inRange(next) ? resume.rowsDone : 0;
  return JSON.stringify({ kind: "stream", index, rowsDone, produced: 0 });
}

/** The reply with its continuation marked with the range it was issued for. */
export function withRangedContinuation(reply: Reply, range: EpkRange | undefined): Reply {
  const token = reply.headers?.[Header.continuation];
  if (range === undefined || typeof token !== "string") return reply;
  return { ...reply, headers: { ...reply.headers, [Header.continuation]: rangedToken(range, token) } };
}

/** The gateway's words when a query across ranges needs the client's pipeline. */
const NOT_SERVABLE_BY_GATEWAY =
  "The provided cross partition query can not be directly served by the gateway. This is a first chance (internal) exception that all newer clients will know how to handle gracefully. This exception is traced, but unless you see it bubble up as an exception (which only happens on older SDK clients), then you can safely ignore this message.";

/**
 * A query sent to no range and no partition of a container with several ranges is the gateway's
 * to run; it runs plain ones itself, but one that must be ordered, aggregated, grouped, made
 * distinct or windowed across ranges it answers 400/1004 with the query plan, and the SDK then
 * runs its pipeline over the ranges.
 */
export async function gatewayRefusal(request: EmulatorRequest, container: Container): Promise<Reply | undefined> {
  if (container.partitionKeyRanges.ranges.length === 1) return undefined;
  const { parseQuerySpec, planQuery } = await loadQueryEngine();
  const plan = planQuery(parseQuerySpec(jsonBody(request)));
  const { queryInfo: info } = plan;
  const needsPipeline =
    info.orderBy.length > 0 ||
    info.aggregates.length > 0 ||
    info.groupByExpressions.length > 0 ||
    info.distinctType !== "None" ||
    info.top !== null ||
    info.offset !== null ||
    info.limit !== null;
  if (!needsPipeline) return undefined;
  return {
    status: 400,
    body: { code: "BadRequest", message: NOT_SERVABLE_BY_GATEWAY, additionalErrorInfo: JSON.stringify(plan) },
    headers: { [Header.subStatus]: "1004" },
    charge: 0,
  };
}

/**
 * The SDK sends each bulk request to the range that holds its operations' partition keys: a range
 * that split is gone (410, and the SDK regroups), and an operation outside the range is refused.
 */
export async function requireOperationsInRange(
  container: Container,
  request: EmulatorRequest,
  operations: { partitionKey?: unknown }[],
): Promise<void> {
  const range = await requestedRange(container, request);
  if (range === undefined || coversEverything(range)) return;
  for (const { partitionKey } of operations) {
    if (typeof partitionKey !== "string") continue; // the operation answers for itself
    let value: PartitionKeyValue;
    try {
      value = parsePartitionKey(partitionKey);
    } catch {
      continue;
    }
    if (!epkInRange(partitionEpk(container, canonicalKey(value)), range.min, range.max)) {
      throw badRequest(
        `The bulk operation for partition key ${partitionKey} does not belong to partition key range '${header(request, Header.partitionKeyRangeId)}': send it to the range whose EPKs hold its key (GET .../pkranges lists them).`,
      );
    }
  }
}
