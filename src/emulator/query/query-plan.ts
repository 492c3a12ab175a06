/**
 * The query plan the SDK asks for before a cross-partition query (`x-ms-cosmos-is-query-plan-request`),
 * shaped as the service's: what the SDK must do across partition key ranges (merge by ORDER BY,
 * combine aggregates and groups, remove duplicates, apply TOP and OFFSET/LIMIT) and the query to
 * send to each range instead of the original (`rewrittenQuery`):
 *
 * - ORDER BY: each row carries its sort keys, `{ _rid, orderByItems: [{ item }], payload }`, and a
 *   `{documentdb-formattableorderbyquery-filter}` placeholder the SDK fills in to resume;
 * - aggregates and GROUP BY: each range returns partial aggregates (`{ item }`, or `{ item: { sum,
 *   count } }` for AVG, `{ min | max, count }` for MIN and MAX) that the SDK combines;
 * - OFFSET n LIMIT m: each range returns its first n + m rows; the SDK skips and takes.
 */
import type { Expression, Query, Selection } from "./ast";
import { compileQuery } from "./compiler";
import { containsAggregate, namedItems } from "./executor";
import { AGGREGATE_NAMES, QueryError } from "./query-errors";
import { expressionText, queryText } from "./sql-text";

const ORDER_BY_FILTER = "{documentdb-formattableorderbyquery-filter}";

/** The service's names for the aggregates, as the SDK's aggregators are keyed. */
const AGGREGATE_TYPES: Record<string, string> = {
  COUNT: "Count",
  SUM: "Sum",
  AVG: "Average",
  MIN: "Min",
  MAX: "Max",
  MAKELIST: "MakeList",
  MAKESET: "MakeSet",
};

export interface QueryInfo {
  distinctType: "None" | "Ordered" | "Unordered";
  top: number | null;
  offset: number | null;
  limit: number | null;
  orderBy: ("Ascending" | "Descending")[];
  orderByExpressions: string[];
  groupByExpressions: string[];
  groupByAliases: string[];
  aggregates: string[];
  groupByAliasToAggregateType: Record<string, string | null>;
  rewrittenQuery: string;
  hasSelectValue: boolean;
  dCountInfo: null;
  hasNonStreamingOrderBy: boolean;
}

export interface QueryPlan {
  partitionedQueryExecutionInfoVersion: 2;
  queryInfo: QueryInfo;
  queryRanges: { min: string; max: string; isMinInclusive: boolean; isMaxInclusive: boolean }[];
}

export function buildQueryPlan(text: string, parameters: ReadonlyMap<string, unknown>): QueryPlan {
  const { query } = compileQuery(text);
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: queryInfoOf(query, parameters),
    queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }],
  };
}

function queryInfoOf(query: Query, parameters: ReadonlyMap<string, unknown>): QueryInfo {
  const count = (expression: Expression | undefined): number | null => {
    if (expression === undefined) return null;
    const value =
      expression.kind === "parameter" ? parameters.get(expression.name) : (expression as { value?: unknown }).value;
    return typeof value === "number" ? value : null;
  };
  const aggregating = query.groupBy !== undefined || selectedExpressions(query.selection).some(containsAggregate);
  const info: QueryInfo = {
    distinctType: query.distinct ? (query.orderBy ? "Ordered" : "Unordered") : "None",
    top: count(query.top),
    offset: count(query.offset),
    limit: count(query.limit),
    orderBy: (query.orderBy ?? []).map((key) => (key.descending ? "Descending" : "Ascending")),
    orderByExpressions: (query.orderBy ?? []).map((key) => expressionText(key.expression)),
    groupByExpressions: (query.groupBy ?? []).map(expressionText),
    groupByAliases: [],
    aggregates: [],
    groupByAliasToAggregateType: {},
    rewrittenQuery: "",
    hasSelectValue: query.selection.kind === "value",
    dCountInfo: null,
    hasNonStreamingOrderBy: false,
  };
  if (aggregating) return { ...info, ...aggregatePlan(query) };
  if (query.orderBy) return { ...info, rewrittenQuery: orderByRewrite(query, info) };
  if (info.offset !== null && info.limit !== null)
    return { ...info, rewrittenQuery: queryText(widenedPaging(query, info)) };
  return info;
}

/** OFFSET n LIMIT m becomes OFFSET 0 LIMIT n + m on every range; the SDK applies the real window. */
function widenedPaging(query: Query, info: QueryInfo): Query {
  if (info.offset === null || info.limit === null) return query;
  return {
    ...query,
    offset: { kind: "literal", value: 0 },
    limit: { kind: "literal", value: info.offset + info.limit },
  };
}

/** The text after `SELECT ...`: FROM, JOINs, WHERE, GROUP BY, ORDER BY and OFFSET/LIMIT of `query`. */
function clausesAfterSelect(query: Query): string {
  return queryText({ ...query, distinct: false, top: undefined, selection: { kind: "star" } }).slice(
    "SELECT * ".length,
  );
}

/** A parameter that stands for the SDK's resume filter while the rewritten query is printed. */
const FILTER_MARKER = "@documentdbOrderByFilterPlaceholder";

function orderByRewrite(query: Query, info: QueryInfo): string {
  const marker: Expression = { kind: "parameter", name: FILTER_MARKER };
  const where: Expression = query.where
    ? { kind: "binary", operator: "AND", left: query.where, right: marker }
    : marker;
  const clauses = clausesAfterSelect({ ...widenedPaging(query, info), where }).replace(FILTER_MARKER, ORDER_BY_FILTER);
  const keys = (query.orderBy ?? []).map((key) => `{"item": ${expressionText(key.expression)}}`);
  // DISTINCT compares whole rows, so a DISTINCT query leaves the _rid out of them.
  const rid = query.distinct ? "" : `${(query.from[0] as { alias: string }).alias}._rid, `;
  const select = `SELECT ${query.distinct ? "DISTINCT " : ""}${query.top ? `TOP ${expressionText(query.top)} ` : ""}`;
  return `${select}${rid}[${keys.join(", ")}] AS orderByItems, ${payloadOf(query.selection, query)} AS payload ${clauses}`;
}

function payloadOf(selection: Selection, query: Query): string {
  if (selection.kind === "star") return (query.from[0] as { alias: string }).alias;
  if (selection.kind === "value") return expressionText(selection.expression);
  const properties = namedItems(selection).map(
    ({ name, expression }) => `${JSON.stringify(name)}: ${expressionText(expression)}`,
  );
  return `{${properties.join(", ")}}`;
}

function selectedExpressions(selection: Selection): Expression[] {
  if (selection.kind === "star") return [];
  if (selection.kind === "value") return [selection.expression];
  return selection.items.map((item) => item.expression);
}

/** An aggregate's partial result, which the SDK's aggregator of that type combines across ranges. */
function partialAggregate(expression: Expression): { text: string; type: string } | undefined {
  if (expression.kind !== "call" || expression.udf || !AGGREGATE_NAMES.has(expression.name)) return undefined;
  const argument = expressionText(expression.args[0] as Expression);
  const type = AGGREGATE_TYPES[expression.name] as string;
  const inner =
    expression.name === "AVG"
      ? `{"sum": SUM(${argument}), "count": COUNT(${argument})}`
      : expression.name === "MIN" || expression.name === "MAX"
        ? `{"${expression.name.toLowerCase()}": ${expression.name}(${argument}), "count": COUNT(${argument})}`
        : `${expression.name}(${argument})`;
  return { text: `{"item": ${inner}}`, type };
}

function aggregatePlan(query: Query): Partial<QueryInfo> {
  if (query.orderBy)
    throw new QueryError("ORDER BY is not supported together with GROUP BY or aggregates across partitions.");
  const groupKeys = (query.groupBy ?? []).map((key) => `{"item": ${expressionText(key)}}`);
  const groupByItems = query.groupBy ? `[${groupKeys.join(", ")}] AS groupByItems, ` : "";
  // Each range groups and aggregates all of its rows: TOP and OFFSET/LIMIT apply to the combined groups.
  const rest = clausesAfterSelect({ ...query, offset: undefined, limit: undefined });
  const { selection } = query;
  if (selection.kind === "star") throw new QueryError("'SELECT *' is not allowed with GROUP BY.");
  if (selection.kind === "value") {
    const partial = partialAggregate(selection.expression);
    if (!partial && containsAggregate(selection.expression)) throw compositionError();
    const payload = partial ? `[${partial.text}]` : expressionText(selection.expression);
    const select = query.groupBy ? `SELECT ${groupByItems}${payload} AS payload` : `SELECT VALUE ${payload}`;
    return { aggregates: partial ? [partial.type] : [], rewrittenQuery: `${select} ${rest}` };
  }
  const types: Record<string, string | null> = {};
  const properties = namedItems(selection).map(({ name, expression }) => {
    const partial = partialAggregate(expression);
    if (!partial && containsAggregate(expression)) throw compositionError();
    types[name] = partial ? partial.type : null;
    return `${JSON.stringify(name)}: ${partial ? partial.text : expressionText(expression)}`;
  });
  return {
    groupByAliases: Object.keys(types),
    groupByAliasToAggregateType: types,
    rewrittenQuery: `SELECT ${groupByItems || "[] AS groupByItems, "}{${properties.join(", ")}} AS payload ${rest}`,
  };
}

const compositionError = (): QueryError =>
  new QueryError("Compositions of aggregates and other expressions are not allowed across partitions.");
