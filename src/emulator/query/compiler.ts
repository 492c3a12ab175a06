/**
 * Query text -> a checked, cached `CompiledQuery`. Checks happen once, before any item is read,
 * so a wrong function name or argument count fails the same way on an empty container as on a
 * full one, as on the service.
 */
import type { Expression, Query } from "./ast";
import { containsAggregate, hasAggregates } from "./executor";
import { SYSTEM_FUNCTIONS } from "./functions/system-functions";
import { parseQuery } from "./parser";
import { AGGREGATE_NAMES, QueryError } from "./query-errors";

export interface CompiledQuery {
  text: string;
  query: Query;
  /** True when pages can be read item by item (see executor.ts). */
  streaming: boolean;
}

const CACHE_SIZE = 500;
const cache = new Map<string, CompiledQuery>();

export function compileQuery(text: string): CompiledQuery {
  const cached = cache.get(text);
  if (cached) {
    // Least recently used goes first: re-inserting keeps the hot queries at the end.
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  const query = parseQuery(text);
  checkQuery(query);
  const compiled: CompiledQuery = { text, query, streaming: isStreaming(query) };
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(text, compiled);
  return compiled;
}

function isStreaming(query: Query): boolean {
  return (
    !query.orderBy &&
    !query.groupBy &&
    !query.distinct &&
    !hasAggregates(query) &&
    query.from.length > 0 &&
    query.from[0]?.kind === "path"
  );
}

function checkQuery(query: Query): void {
  if (query.selection.kind === "star") {
    if (query.from.length === 0) throw new QueryError("'SELECT *' is not valid if FROM clause is omitted.");
    if (query.from.length > 1) throw new QueryError("'SELECT *' is only valid with a single input set.");
    if (query.groupBy) throw new QueryError("'SELECT *' is not allowed with GROUP BY.");
  }
  for (const collection of query.from) if (collection.kind === "subquery") checkQuery(collection.query);
  for (const expression of expressionsOf(query)) checkExpression(expression, false);
  for (const expression of [
    query.where,
    ...(query.groupBy ?? []),
    ...(query.orderBy ?? []).map((key) => key.expression),
  ]) {
    if (expression && containsAggregate(expression)) {
      throw new QueryError("Aggregates are only allowed in the SELECT clause.");
    }
  }
}

function expressionsOf(query: Query): Expression[] {
  const { selection } = query;
  const selected =
    selection.kind === "star"
      ? []
      : selection.kind === "value"
        ? [selection.expression]
        : selection.items.map((item) => item.expression);
  return [
    ...selected,
    ...(query.where ? [query.where] : []),
    ...(query.groupBy ?? []),
    ...(query.orderBy ?? []).map((key) => key.expression),
  ];
}

function checkExpression(expression: Expression, insideAggregate: boolean): void {
  switch (expression.kind) {
    case "call":
      checkCall(expression, insideAggregate);
      for (const arg of expression.args) checkExpression(arg, insideAggregate || AGGREGATE_NAMES.has(expression.name));
      return;
    case "subquery":
      checkQuery(expression.query);
      return;
    case "property":
      checkExpression(expression.object, insideAggregate);
      return;
    case "index":
      checkExpression(expression.object, insideAggregate);
      checkExpression(expression.index, insideAggregate);
      return;
    case "unary":
      checkExpression(expression.operand, insideAggregate);
      return;
    case "binary":
      checkExpression(expression.left, insideAggregate);
      checkExpression(expression.right, insideAggregate);
      return;
    case "between":
      for (const part of [expression.value, expression.low, expression.high]) checkExpression(part, insideAggregate);
      return;
    case "in":
      for (const part of [expression.value, ...expression.list]) checkExpression(part, insideAggregate);
      return;
    case "like":
      for (const part of [expression.value, expression.pattern, ...(expression.escape ? [expression.escape] : [])])
        checkExpression(part, insideAggregate);
      return;
    case "conditional":
      for (const part of [expression.test, expression.whenTrue, expression.whenFalse])
        checkExpression(part, insideAggregate);
      return;
    case "array":
      for (const item of expression.items) checkExpression(item, insideAggregate);
      return;
    case "object":
      for (const property of expression.properties) checkExpression(property.value, insideAggregate);
      return;
    default:
      return;
  }
}

function checkCall(expression: Extract<Expression, { kind: "call" }>, insideAggregate: boolean): void {
  if (expression.udf) throw new QueryError(`The user-defined function 'udf.${expression.name}' does not exist.`);
  if (AGGREGATE_NAMES.has(expression.name)) {
    if (insideAggregate)
      throw new QueryError(`Cannot perform an aggregate function on an expression containing an aggregate.`);
    if (expression.args.length !== 1) throw new QueryError(`The ${expression.name} function requires 1 argument(s).`);
    return;
  }
  const system = SYSTEM_FUNCTIONS[expression.name];
  if (system === undefined) throw new QueryError(`'${expression.name}' is not a recognized built-in function name.`);
  const [min, max] = system.arity;
  const count = expression.args.length;
  if (count < min || count > max) {
    const wanted = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw new QueryError(`The ${expression.name} function requires ${wanted} argument(s).`);
  }
}
