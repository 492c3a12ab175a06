/**
 * Runs a parsed query over a container's items, one page at a time.
 *
 * A query without ORDER BY, GROUP BY, aggregates or DISTINCT *streams*: it reads items from
 * where the last page stopped (the continuation records the item's position and how many of its
 * rows were already returned), so paging through it is linear in the items. The others are
 * evaluated whole, and a page is a slice of the result. Either way a page stops when its time
 * budget is spent, as the service's pages do: a streaming query returns what it has with a
 * continuation, a whole-result query that cannot finish in time fails with 408.
 */
import { randomUUID } from "node:crypto";
import type { Collection, Expression, Query, Selection, SqlValue } from "./ast";
import { type Row, type Scope, evaluate } from "./evaluator";
import { AGGREGATE_NAMES, QueryError, QueryTimeout } from "./query-errors";
import { canonicalText, orderCompare } from "./values";
import type { CompiledQuery } from "./compiler";

/** Where the next page resumes. */
export type Resume =
  | { kind: "stream"; index: number; rowsDone: number; produced: number }
  | { kind: "whole"; offset: number; snapshot?: string };

export interface PageRequest {
  parameters: ReadonlyMap<string, SqlValue>;
  pageSize: number | undefined;
  resume: Resume | undefined;
  /** How long this page may compute, in milliseconds. */
  budgetMs: number;
}

export interface ExecutedPage {
  results: SqlValue[];
  next?: Resume;
}

const EMPTY_ROW: Row = new Map();

export function executePage(compiled: CompiledQuery, items: readonly SqlValue[], request: PageRequest): ExecutedPage {
  const startedAt = Date.now();
  const deadline = startedAt + request.budgetMs;
  const scope = rootScope(request.parameters, startedAt, deadline);
  return compiled.streaming
    ? streamPage(compiled.query, items, scope, request, deadline)
    : wholePage(compiled, items, scope, request);
}

function rootScope(parameters: ReadonlyMap<string, SqlValue>, startedAt: number, deadline: number): Scope {
  let ticks = 0;
  const scope: Scope = {
    parameters,
    startedAt,
    runSubquery: (query, outer) => runWhole(query, outer, scope, undefined),
    tick: () => {
      // Reading the clock for every value would cost more than most values do.
      if (++ticks % 1024 === 0 && Date.now() > deadline) throw new QueryTimeout();
    },
  };
  return scope;
}

/** TOP, OFFSET and LIMIT as numbers. */
function bounds(query: Query, scope: Scope): { skip: number; take: number } {
  const count = (expression: Expression | undefined, clause: string): number | undefined => {
    if (expression === undefined) return undefined;
    const value = evaluate(expression, EMPTY_ROW, scope);
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
      throw new QueryError(`The ${clause} value must be a non-negative integer.`);
    }
    return value;
  };
  const top = count(query.top, "TOP");
  const limit = count(query.limit, "LIMIT");
  return {
    skip: count(query.offset, "OFFSET") ?? 0,
    take: Math.min(top ?? Number.POSITIVE_INFINITY, limit ?? Number.POSITIVE_INFINITY),
  };
}

function streamPage(
  query: Query,
  items: readonly SqlValue[],
  scope: Scope,
  request: PageRequest,
  deadline: number,
): ExecutedPage {
  const { skip, take } = bounds(query, scope);
  const pageSize = request.pageSize ?? Number.POSITIVE_INFINITY;
  const start = request.resume?.kind === "stream" ? request.resume : { index: 0, rowsDone: 0, produced: 0 };
  const results: SqlValue[] = [];
  let produced = start.produced;
  for (let index = start.index; index < items.length; index++) {
    if (index > start.index && Date.now() > deadline)
      return { results, next: { kind: "stream", index, rowsDone: 0, produced } };
    let rowsDone = 0;
    for (const row of filteredRows(query, [items[index]], EMPTY_ROW, scope)) {
      rowsDone++;
      if (index === start.index && rowsDone <= start.rowsDone) continue;
      const value = project(query.selection, query, row, scope);
      if (value === undefined) continue;
      produced++;
      if (produced <= skip) continue;
      results.push(value);
      if (produced - skip >= take) return { results };
      if (results.length >= pageSize) return { results, next: { kind: "stream", index, rowsDone, produced } };
    }
  }
  return { results };
}

function wholePage(
  compiled: CompiledQuery,
  items: readonly SqlValue[],
  scope: Scope,
  request: PageRequest,
): ExecutedPage {
  const resume = request.resume?.kind === "whole" ? request.resume : undefined;
  const snapshotKey = `${compiled.text}\u0000${canonicalText([...request.parameters.entries()])}`;
  const all = takeSnapshot(resume?.snapshot, snapshotKey) ?? runWhole(compiled.query, EMPTY_ROW, scope, items);
  const offset = resume?.offset ?? 0;
  if (request.pageSize === undefined) return { results: all.slice(offset) };
  const end = offset + request.pageSize;
  const results = all.slice(offset, end);
  // Like the service, a full page comes with a continuation even when nothing follows.
  if (results.length < request.pageSize) return { results };
  return { results, next: { kind: "whole", offset: end, snapshot: keepSnapshot(snapshotKey, all) } };
}

/**
 * The whole result of an ordered or aggregated query, kept for its next pages so that paging
 * through it costs one evaluation rather than one per page (the pages then show the result as it
 * was when the first page was read). Few and short-lived: a token whose snapshot is gone is
 * answered by evaluating the query again.
 */
const SNAPSHOT_LIMIT = 32;
const SNAPSHOT_LIFETIME_MS = 60_000;
const snapshots = new Map<string, { key: string; results: SqlValue[]; expires: number }>();

function keepSnapshot(key: string, results: SqlValue[]): string {
  const now = Date.now();
  for (const [id, snapshot] of snapshots) if (snapshot.expires < now) snapshots.delete(id);
  if (snapshots.size >= SNAPSHOT_LIMIT) snapshots.delete(snapshots.keys().next().value as string);
  const id = randomUUID();
  snapshots.set(id, { key, results, expires: now + SNAPSHOT_LIFETIME_MS });
  return id;
}

function takeSnapshot(id: string | undefined, key: string): SqlValue[] | undefined {
  const snapshot = id === undefined ? undefined : snapshots.get(id);
  return snapshot && snapshot.key === key && snapshot.expires >= Date.now() ? snapshot.results : undefined;
}

/** A whole query (or subquery) evaluated completely. `containerItems` feeds a FROM that names no outer alias. */
export function runWhole(
  query: Query,
  outer: Row,
  scope: Scope,
  containerItems: readonly SqlValue[] | undefined,
): SqlValue[] {
  let rows = [...filteredRows(query, containerItems, outer, scope)];
  if (query.orderBy) rows = sortRows(rows, query, scope);
  const groups = query.groupBy
    ? groupRows(rows, query.groupBy, scope, query.orderBy !== undefined)
    : hasAggregates(query)
      ? [rows]
      : undefined;
  let results = groups
    ? groups.map((group) => project(query.selection, query, group[0] ?? outer, { ...scope, group }))
    : rows.map((row) => project(query.selection, query, row, scope));
  results = results.filter((value) => value !== undefined);
  if (query.distinct) results = distinct(results);
  const { skip, take } = bounds(query, scope);
  return results.slice(skip, take === Number.POSITIVE_INFINITY ? undefined : skip + take);
}

export function hasAggregates(query: Query): boolean {
  const { selection } = query;
  if (selection.kind === "star") return false;
  const expressions =
    selection.kind === "value" ? [selection.expression] : selection.items.map((item) => item.expression);
  return expressions.some(containsAggregate);
}

/** True when an aggregate call appears in the expression outside of any subquery. */
export function containsAggregate(expression: Expression): boolean {
  switch (expression.kind) {
    case "call":
      return (!expression.udf && AGGREGATE_NAMES.has(expression.name)) || expression.args.some(containsAggregate);
    case "property":
    case "index":
      return (
        containsAggregate(expression.object) || (expression.kind === "index" && containsAggregate(expression.index))
      );
    case "unary":
      return containsAggregate(expression.operand);
    case "binary":
      return containsAggregate(expression.left) || containsAggregate(expression.right);
    case "between":
      return [expression.value, expression.low, expression.high].some(containsAggregate);
    case "in":
      return [expression.value, ...expression.list].some(containsAggregate);
    case "like":
      return containsAggregate(expression.value) || containsAggregate(expression.pattern);
    case "conditional":
      return [expression.test, expression.whenTrue, expression.whenFalse].some(containsAggregate);
    case "array":
      return expression.items.some(containsAggregate);
    case "object":
      return expression.properties.some((property) => containsAggregate(property.value));
    default:
      return false;
  }
}

/** The rows of FROM and its JOINs that pass WHERE. */
function* filteredRows(
  query: Query,
  containerItems: readonly SqlValue[] | undefined,
  outer: Row,
  scope: Scope,
): Generator<Row> {
  const [first, ...joins] = query.from;
  if (first === undefined) {
    if (passes(query, outer, scope)) yield outer;
    return;
  }
  for (const row of bind(first, outer, scope, containerItems)) {
    for (const joined of joinAll(joins, row, scope)) if (passes(query, joined, scope)) yield joined;
  }
}

function passes(query: Query, row: Row, scope: Scope): boolean {
  scope.tick();
  return query.where === undefined || evaluate(query.where, row, scope) === true;
}

function* joinAll(joins: Collection[], row: Row, scope: Scope): Generator<Row> {
  const [next, ...rest] = joins;
  if (next === undefined) {
    yield row;
    return;
  }
  for (const joined of bind(next, row, scope, undefined)) yield* joinAll(rest, joined, scope);
}

/** Rows binding the collection's alias to each of its values, on top of `row`. */
function* bind(
  collection: Collection,
  row: Row,
  scope: Scope,
  containerItems: readonly SqlValue[] | undefined,
): Generator<Row> {
  for (const value of collectionValues(collection, row, scope, containerItems)) {
    scope.tick();
    yield new Map(row).set(collection.alias, value);
  }
}

function* collectionValues(
  collection: Collection,
  row: Row,
  scope: Scope,
  containerItems: readonly SqlValue[] | undefined,
): Generator<SqlValue> {
  const sources: Iterable<SqlValue> = sourceValues(collection, row, scope, containerItems);
  for (const source of sources) {
    if (source === undefined) continue;
    if (!collection.iterate) yield source;
    else if (Array.isArray(source)) for (const element of source) yield element;
  }
}

function sourceValues(
  collection: Collection,
  row: Row,
  scope: Scope,
  containerItems: readonly SqlValue[] | undefined,
): Iterable<SqlValue> {
  if (collection.kind === "subquery") return runWhole(collection.query, row, scope, containerItems);
  const { root, steps } = collection.path;
  const walk = (value: SqlValue): SqlValue => steps.reduce<SqlValue>((at, step) => stepInto(at, step), value);
  if (row.has(root)) return [walk(row.get(root))];
  if (containerItems === undefined) throw new QueryError(`Identifier '${root}' could not be resolved.`);
  return mapIterable(containerItems, walk);
}

function* mapIterable(values: readonly SqlValue[], map: (value: SqlValue) => SqlValue): Generator<SqlValue> {
  for (const value of values) yield map(value);
}

function stepInto(value: SqlValue, step: string | number): SqlValue {
  if (typeof step === "number") return Array.isArray(value) ? value[step] : undefined;
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.hasOwn(value, step)
    ? value[step]
    : undefined;
}

/** The SELECT clause applied to one row (or one group, through `scope.group`). */
function project(selection: Selection, query: Query, row: Row, scope: Scope): SqlValue {
  if (selection.kind === "star") return row.get((query.from[0] as Collection).alias);
  if (selection.kind === "value") return evaluate(selection.expression, row, scope);
  const object: { [key: string]: SqlValue } = {};
  for (const { name, expression } of namedItems(selection)) {
    const value = evaluate(expression, row, scope);
    if (value !== undefined) object[name] = value;
  }
  return object;
}

const itemNames = new WeakMap<Selection, { name: string; expression: Expression }[]>();

/** Select items with their output names: the alias, else the last property name, else `$1`, `$2`, ... */
export function namedItems(
  selection: Extract<Selection, { kind: "list" }>,
): { name: string; expression: Expression }[] {
  const cached = itemNames.get(selection);
  if (cached) return cached;
  let unnamed = 0;
  const named = selection.items.map(({ expression, alias }) => ({
    name: alias ?? impliedName(expression) ?? `$${++unnamed}`,
    expression,
  }));
  itemNames.set(selection, named);
  return named;
}

function impliedName(expression: Expression): string | undefined {
  if (expression.kind === "property") return expression.name;
  if (expression.kind === "alias") return expression.name;
  if (expression.kind === "index" && expression.index.kind === "literal" && typeof expression.index.value === "string")
    return expression.index.value;
  return undefined;
}

function sortRows(rows: Row[], query: Query, scope: Scope): Row[] {
  const keys = query.orderBy ?? [];
  const decorated = rows.map((row) => ({ row, values: keys.map((key) => evaluate(key.expression, row, scope)) }));
  decorated.sort((a, b) => {
    for (let index = 0; index < keys.length; index++) {
      const order = orderCompare(a.values[index], b.values[index]);
      if (order !== 0) return keys[index]?.descending ? -order : order;
    }
    return 0;
  });
  return decorated.map(({ row }) => row);
}

/**
 * Rows grouped by the values of the GROUP BY expressions. Without ORDER BY the groups come out
 * in the order of their keys (undefined first), as the service's do; with it, in sorted order.
 */
function groupRows(rows: Row[], keys: Expression[], scope: Scope, sorted: boolean): Row[][] {
  const groups = new Map<string, { values: SqlValue[]; rows: Row[] }>();
  for (const row of rows) {
    const values = keys.map((expression) => evaluate(expression, row, scope));
    const key = canonicalText(values);
    const group = groups.get(key);
    if (group) group.rows.push(row);
    else groups.set(key, { values, rows: [row] });
  }
  const all = [...groups.values()];
  if (!sorted) all.sort((a, b) => orderCompare(a.values, b.values));
  return all.map((group) => group.rows);
}

function distinct(values: SqlValue[]): SqlValue[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = canonicalText(value);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
