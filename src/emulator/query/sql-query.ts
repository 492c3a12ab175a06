/**
 * Cosmos SQL through @zeit/cosmosdb-query: this module only adapts its inputs and outputs
 * (parameters, page size, continuation tokens) and turns its errors into 400 responses.
 */
import createQuery from "@zeit/cosmosdb-query";
import { badRequest } from "../cosmos-error";
import type { Json } from "../store/stored-resources";

export interface QuerySpec {
  query: string;
  parameters?: { name: string; value: unknown }[];
}

export interface QueryPage {
  results: unknown[];
  /** Opaque token for the next page, sent back by the client in `x-ms-continuation`. */
  continuation?: string;
}

export function parseQuerySpec(body: unknown): QuerySpec {
  if (typeof body === "string") return { query: body };
  if (body === null || typeof body !== "object" || typeof (body as { query?: unknown }).query !== "string") {
    throw badRequest("The query body must be an object with a 'query' string.");
  }
  const { query, parameters } = body as { query: string; parameters?: unknown };
  if (parameters !== undefined && !Array.isArray(parameters)) throw badRequest("Query parameters must be an array.");
  return { query, parameters: (parameters ?? []) as QuerySpec["parameters"] };
}

/** Runs one page of a query over `items` (which must carry `_rid`, used to resume pages). */
export function runQuery(
  items: Json[],
  spec: QuerySpec,
  maxItemCount: number | undefined,
  continuation: string | undefined,
): QueryPage {
  let parsed: ReturnType<typeof createQuery>;
  try {
    parsed = createQuery(spec.query);
  } catch (error) {
    throw badRequest(`Syntax error in the query: ${(error as Error).message}`);
  }
  const pageSize = maxItemCount !== undefined && maxItemCount > 0 ? maxItemCount : undefined;
  const resumeAt = continuation === undefined ? undefined : decodeContinuation(continuation);
  if (resumeAt === "end") return { results: [] };
  let output: { result: unknown[]; continuation: { token: string } | null };
  try {
    output = parsed.exec(items.map(withoutPrototypes) as Json[], {
      parameters: (spec.parameters ?? []).map(({ name, value }) => ({ name, value })),
      ...(pageSize === undefined ? {} : { maxItemCount: pageSize }),
      ...(resumeAt === undefined ? {} : { continuation: resumeAt }),
    });
  } catch (error) {
    throw badRequest(`The query could not be run: ${(error as Error).message}`);
  }
  if (output.continuation) return { results: output.result, continuation: JSON.stringify(output.continuation) };
  // The service does not look ahead: a full page comes with a continuation even when nothing
  // follows, and the page after it is empty (the SDK's own tests count that empty page).
  if (pageSize !== undefined && output.result.length === pageSize)
    return { results: output.result, continuation: END_OF_RESULTS };
  return { results: output.result };
}

/**
 * A copy of a document whose objects have no prototype. The query engine reads `c.name` as plain
 * `c["name"]`, so on ordinary objects `c.toString` or `c.__proto__` would find what every object
 * inherits (and `IS_DEFINED(c.constructor)` would be true); on the service they are undefined
 * unless the document has such a property. Depth is bounded by the parser (client-json.ts).
 */
function withoutPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (value === null || typeof value !== "object") return value;
  const copy = Object.create(null) as Json;
  for (const [name, inner] of Object.entries(value)) copy[name] = withoutPrototypes(inner);
  return copy;
}

/** The continuation after a full last page: it resumes to an empty page. */
const END_OF_RESULTS = JSON.stringify({ end: true });

function decodeContinuation(text: string): { token: string } | "end" {
  try {
    const parsed = JSON.parse(text) as { token?: unknown; end?: unknown };
    if (typeof parsed.token === "string") return { token: parsed.token };
    if (parsed.end === true) return "end";
  } catch {
    // fall through to the error below
  }
  throw badRequest(INVALID_CONTINUATION);
}

/** The service's words, which the SDK's tests look for. */
export const INVALID_CONTINUATION =
  "Invalid Continuation Token: the x-ms-continuation header does not hold a token this emulator issued.";

/** True when the filter `from c where ...` (a patch condition) matches the item. */
export function matchesCondition(item: Json, condition: string): boolean {
  const page = runQuery([item], { query: `SELECT * ${condition}` }, undefined, undefined);
  return page.results.length > 0;
}
