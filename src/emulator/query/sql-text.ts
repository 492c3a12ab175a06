/**
 * Syntax tree -> Cosmos SQL text, for the queries the query plan hands back to the SDK
 * (`rewrittenQuery`). Every subexpression is parenthesised where precedence could matter, so the
 * text parses back to the same tree.
 */
import type { Collection, Expression, Path, Query, Selection, SqlValue } from "./ast";

export function queryText(query: Query): string {
  const parts = ["SELECT"];
  if (query.distinct) parts.push("DISTINCT");
  if (query.top) parts.push("TOP", expressionText(query.top));
  parts.push(selectionText(query.selection));
  if (query.from.length > 0) {
    const [first, ...joins] = query.from;
    parts.push("FROM", collectionText(first as Collection), ...joins.map((join) => `JOIN ${collectionText(join)}`));
  }
  if (query.where) parts.push("WHERE", expressionText(query.where));
  if (query.groupBy) parts.push("GROUP BY", query.groupBy.map(expressionText).join(", "));
  if (query.orderBy) {
    const keys = query.orderBy.map((key) => `${expressionText(key.expression)}${key.descending ? " DESC" : " ASC"}`);
    parts.push("ORDER BY", keys.join(", "));
  }
  if (query.offset && query.limit)
    parts.push("OFFSET", expressionText(query.offset), "LIMIT", expressionText(query.limit));
  return parts.join(" ");
}

function selectionText(selection: Selection): string {
  if (selection.kind === "star") return "*";
  if (selection.kind === "value") return `VALUE ${expressionText(selection.expression)}`;
  return selection.items
    .map(({ expression, alias }) => (alias ? `${expressionText(expression)} AS ${alias}` : expressionText(expression)))
    .join(", ");
}

function collectionText(collection: Collection): string {
  const source = collection.kind === "path" ? pathText(collection.path) : `(${queryText(collection.query)})`;
  return collection.iterate ? `${collection.alias} IN ${source}` : `${source} AS ${collection.alias}`;
}

function pathText(path: Path): string {
  return (
    path.root +
    path.steps.map((step) => (typeof step === "number" ? `[${step}]` : `[${JSON.stringify(step)}]`)).join("")
  );
}

export function literalText(value: SqlValue): string {
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `[${value.map(literalText).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}: ${literalText(item)}`)
      .join(", ")}}`;
  }
  return JSON.stringify(value);
}

export function expressionText(expression: Expression): string {
  switch (expression.kind) {
    case "literal":
      return literalText(expression.value);
    case "parameter":
      return expression.name;
    case "alias":
      return expression.name;
    case "property":
      return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(expression.name)
        ? `${expressionText(expression.object)}.${expression.name}`
        : `${expressionText(expression.object)}[${JSON.stringify(expression.name)}]`;
    case "index":
      return `${expressionText(expression.object)}[${expressionText(expression.index)}]`;
    case "unary":
      return `(${expression.operator === "NOT" ? "NOT " : expression.operator}${expressionText(expression.operand)})`;
    case "binary":
      return `(${expressionText(expression.left)} ${expression.operator} ${expressionText(expression.right)})`;
    case "between":
      return `(${expressionText(expression.value)}${expression.negated ? " NOT" : ""} BETWEEN ${expressionText(expression.low)} AND ${expressionText(expression.high)})`;
    case "in":
      return `(${expressionText(expression.value)}${expression.negated ? " NOT" : ""} IN (${expression.list.map(expressionText).join(", ")}))`;
    case "like":
      return `(${expressionText(expression.value)}${expression.negated ? " NOT" : ""} LIKE ${expressionText(expression.pattern)}${expression.escape ? ` ESCAPE ${expressionText(expression.escape)}` : ""})`;
    case "conditional":
      return `(${expressionText(expression.test)} ? ${expressionText(expression.whenTrue)} : ${expressionText(expression.whenFalse)})`;
    case "call":
      return `${expression.udf ? "udf." : ""}${expression.name}(${expression.args.map(expressionText).join(", ")})`;
    case "array":
      return `[${expression.items.map(expressionText).join(", ")}]`;
    case "object":
      return `{${expression.properties.map(({ name, value }) => `${JSON.stringify(name)}: ${expressionText(value)}`).join(", ")}}`;
    case "subquery": {
      const inner = `(${queryText(expression.query)})`;
      return expression.mode === "exists" ? `EXISTS${inner}` : expression.mode === "array" ? `ARRAY${inner}` : inner;
    }
  }
}
