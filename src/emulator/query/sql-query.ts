/**
 * The query engine's door for the handlers: a query body and a page request in, one page of
 * results and the next page's continuation out. Query mistakes become 400s with the service's
 * words, a page that runs out of time a 408.
 */
import { badRequest, CosmosError } from "../cosmos-error";
import type { Json } from "../store/stored-resources";
import type { SqlValue } from "./ast";
import { compileQuery } from "./compiler";
import { executePage, type Resume } from "./executor";
import { QueryError, QueryTimeout } from "./query-errors";
import { buildQueryPlan, type QueryPlan } from "./query-plan";

// The handlers load this module on first use (operations/query-engine.ts), so it is the engine's one front door.
export { partitionOfQuery, partitionPrefixOfQuery } from "./partition-filter";

export interface QuerySpec {
  query: string;
  parameters?: { name: string; value: unknown }[];
}

export interface QueryPage {
  results: unknown[];
  /** Opaque token for the next page, sent back by the client in `x-ms-continuation`. */
  continuation?: string;
}

export interface QueryLimits {
  /** How long one page may compute; the service stops a page after about five seconds. */
  pageBudgetMs: number;
}

export const SERVICE_LIMITS: QueryLimits = { pageBudgetMs: 5000 };

export function parseQuerySpec(body: unknown): QuerySpec {
  if (typeof body === "string") return { query: body };
  if (body === null || typeof body !== "object" || typeof (body as { query?: unknown }).query !== "string") {
    throw badRequest("The query body must be an object with a 'query' string.");
  }
  const { query, parameters } = body as { query: string; parameters?: unknown };
  if (parameters !== undefined && !Array.isArray(parameters)) throw badRequest("Query parameters must be an array.");
  for (const parameter of (parameters ?? []) as { name?: unknown }[]) {
    if (typeof parameter?.name !== "string" || !parameter.name.startsWith("@")) {
      throw badRequest("Each query parameter needs a 'name' that starts with '@', and a 'value'.");
    }
  }
  return { query, parameters: (parameters ?? []) as QuerySpec["parameters"] };
}

/** Runs one page of a query over `items`, in the order given. */
export function runQuery(
  items: Json[],
  spec: QuerySpec,
  maxItemCount: number | undefined,
  continuation: string | undefined,
  limits: QueryLimits = SERVICE_LIMITS,
): QueryPage {
  try {
    const compiled = compileQuery(spec.query);
    const page = executePage(compiled, items as SqlValue[], {
      parameters: new Map((spec.parameters ?? []).map(({ name, value }) => [name, value as SqlValue])),
      pageSize: maxItemCount !== undefined && maxItemCount > 0 ? maxItemCount : undefined,
      resume: continuation === undefined ? undefined : decodeContinuation(continuation),
      budgetMs: limits.pageBudgetMs,
    });
    return page.next === undefined
      ? { results: page.results }
      : { results: page.results, continuation: JSON.stringify(page.next) };
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(error.message);
    if (error instanceof QueryTimeout) {
      throw new CosmosError(
        408,
        `The query did not finish within the ${limits.pageBudgetMs} ms one page may take. Narrow it with a filter, or order and aggregate fewer items.`,
      );
    }
    throw error;
  }
}

/** The query plan the SDK asks for before it runs a query across partition key ranges. */
export function planQuery(spec: QuerySpec): QueryPlan {
  try {
    return buildQueryPlan(spec.query, new Map((spec.parameters ?? []).map(({ name, value }) => [name, value])));
  } catch (error) {
    if (error instanceof QueryError) throw badRequest(error.message);
    throw error;
  }
}

function decodeContinuation(text: string): Resume {
  try {
    const resume = JSON.parse(text) as Partial<Record<string, unknown>>;
    const isCount = (value: unknown): boolean => Number.isInteger(value) && (value as number) >= 0;
    const snapshotIsValid = resume.snapshot === undefined || typeof resume.snapshot === "string";
    if (resume.kind === "whole" && isCount(resume.offset) && snapshotIsValid) return resume as Resume;
    if (resume.kind === "stream" && isCount(resume.index) && isCount(resume.rowsDone) && isCount(resume.produced))
      return resume as Resume;
  } catch {
    // fall through to the error below
  }
  throw new QueryError(INVALID_CONTINUATION);
}

/** The service's words, which the SDK's tests look for. */
export const INVALID_CONTINUATION =
  "Invalid Continuation Token: the x-ms-continuation header does not hold a token this emulator issued.";

/** True when the filter `from c where ...` (a patch condition) matches the item. */
export function matchesCondition(item: Json, condition: string): boolean {
  const page = runQuery([item], { query: `SELECT * ${condition}` }, undefined, undefined);
  return page.results.length > 0;
}
