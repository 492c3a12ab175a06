/**
 * Replies that carry resources: one database, container or offer with its ETag; and feeds and
 * queries over system resources and items: `{ _rid, <Collection>: [...], _count }`, paged by
 * `x-ms-max-item-count` with the next page's token in `x-ms-continuation`.
 */
import { Header } from "../http/headers";
import { byteSize, metadataCharge, queryCharge } from "../operations/charges";
import { CosmosError } from "../cosmos-error";
import { header, jsonBody, type EmulatorRequest, type Reply } from "../http/server";
import { loadQueryEngine } from "../operations/query-engine";
import type { Json, StoredResource } from "../store/stored-resources";

/** One database, container or offer, with its ETag. */
export function resourceReply(status: number, resource: StoredResource): Reply {
  return {
    status,
    body: resource,
    headers: { [Header.etag]: resource._etag },
    charge: metadataCharge(byteSize(resource)),
  };
}

export function maxItemCount(request: EmulatorRequest): number | undefined {
  const raw = header(request, Header.maxItemCount);
  if (raw === undefined) return undefined;
  const count = Number(raw);
  if (!Number.isInteger(count)) throw new CosmosError(400, `Invalid x-ms-max-item-count '${raw}'.`);
  return count > 0 ? count : undefined;
}

/** A read feed (GET on a collection of resources), paged by position. */
export async function feedReply(
  request: EmulatorRequest,
  ownerRid: string,
  collection: string,
  all: Json[],
  charge: number,
  /** The token to resume from, when the handler read (or translated) it itself; null: none. */
  continuation: string | null = header(request, Header.continuation) ?? null,
): Promise<Reply> {
  const requested = maxItemCount(request);
  const pageSize = requested ?? all.length;
  const start = Number(continuation ?? 0);
  if (!Number.isInteger(start) || start < 0) {
    throw new CosmosError(400, (await loadQueryEngine()).INVALID_CONTINUATION);
  }
  const page = all.slice(start, start + pageSize);
  const next = start + page.length;
  // Like the service, a full page always comes with a continuation (see runQuery).
  const more = next < all.length || (requested !== undefined && page.length === requested);
  return pageReply(ownerRid, collection, page, more ? String(next) : undefined, charge);
}

/** One page of a feed or query, with the token of the next page when there is one. */
function pageReply(
  ownerRid: string,
  collection: string,
  page: unknown[],
  continuation: string | undefined,
  charge: number,
): Reply {
  return {
    status: 200,
    body: { _rid: ownerRid, [collection]: page, _count: page.length },
    headers: {
      [Header.itemCount]: String(page.length),
      ...(continuation === undefined ? {} : { [Header.continuation]: continuation }),
    },
    charge,
  };
}

/** A query (POST with `x-ms-documentdb-isquery`) over the given resources. */
export async function queryReply(
  request: EmulatorRequest,
  ownerRid: string,
  collection: string,
  all: Json[],
  lsn?: number,
  continuation: string | null = header(request, Header.continuation) ?? null,
): Promise<Reply> {
  const { parseQuerySpec, runQuery } = await loadQueryEngine();
  const spec = parseQuerySpec(jsonBody(request));
  const page = runQuery(all, spec, maxItemCount(request), continuation ?? undefined);
  return {
    ...pageReply(
      ownerRid,
      collection,
      page.results,
      page.continuation,
      queryCharge(all.length, byteSize(page.results)),
    ),
    ...(lsn === undefined ? {} : { lsn }),
  };
}
