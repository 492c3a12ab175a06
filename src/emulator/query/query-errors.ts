/** The mistakes a query can make, each answered with a 400 whose message names the fix. */
export class QueryError extends Error {}

/** The aggregate functions: evaluated over a group of rows rather than one row. */
export const AGGREGATE_NAMES: ReadonlySet<string> = new Set([
  "COUNT",
  "SUM",
  "AVG",
  "MIN",
  "MAX",
  "MAKELIST",
  "MAKESET",
]);

/** A page ran out of its time budget before the query could produce it. */
export class QueryTimeout extends Error {}
