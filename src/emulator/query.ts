/**
 * Cosmos SQL through @zeit/cosmosdb-query: this module only adapts its inputs and outputs
 * (parameters, page size, continuation tokens) and turns its errors into 400 responses.
 */
import createQuery from "@zeit/cosmosdb-query";
import { badRequest } from "./errors";
import type { Json } from "./resources";

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
export function runQuery(items: Json[], spec: QuerySpec, maxItemCount: number | undefined, continuation: string | undefined): QueryPage {
  let parsed;
  try {
    parsed = createQuery(spec.query);
  } catch (error) {
    throw badRequest(`Syntax error in the query: ${(error as Error).message}`);
  }
  const pageSize = maxItemCount !== undefined && maxItemCount > 0 ? maxItemCount : undefined;
  let output: { result: unknown[]; continuation: { token: string } | null };
  try {
    output = parsed.exec(items, {
      parameters: (spec.parameters ?? []).map(({ name, value }) => ({ name, value })),
      ...(pageSize === undefined ? {} : { maxItemCount: pageSize }),
      ...(continuation === undefined ? {} : { continuation: decodeContinuation(continuation) }),
    });
  } catch (error) {
    throw badRequest(`The query could not be run: ${(error as Error).message}`);
  }
  return {
    results: output.result,
    ...(output.continuation ? { continuation: JSON.stringify(output.continuation) } : {}),
  };
}

function decodeContinuation(text: string): { token: string } {
  try {
    const parsed = JSON.parse(text) as { token?: unknown };
    if (typeof parsed.token === "string") return { token: parsed.token };
  } catch {
    // fall through to the error below
  }
  throw badRequest("The continuation token is not valid.");
}

/** True when the filter `from c where ...` (a patch condition) matches the item. */
export function matchesCondition(item: Json, condition: string): boolean {
  const page = runQuery([item], { query: `SELECT * ${condition}` }, undefined, undefined);
  return page.results.length > 0;
}
