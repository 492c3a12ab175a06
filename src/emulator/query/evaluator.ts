/**
 * Scalar expressions evaluated against one row (aliases bound to values), with the service's
 * three-valued logic: a comparison across types, or with an undefined side, is undefined, and
 * only `true` passes a WHERE.
 */
import type { BinaryOperator, Expression, Query, SqlValue } from "./ast";
import { AGGREGATE_NAMES, QueryError } from "./query-errors";
import { canonicalText, isObject, type JsonObject, orderCompare, sqlCompare, sqlEquals } from "./values";
import { SYSTEM_FUNCTIONS } from "./functions/system-functions";

export type Row = ReadonlyMap<string, SqlValue>;

/** Everything an evaluation needs besides the row. */
export interface Scope {
  parameters: ReadonlyMap<string, SqlValue>;
  startedAt: number;
  /** Runs a subquery with the current row as its outer row. */
  runSubquery: (query: Query, outer: Row) => SqlValue[];
  /** The rows of the current group, when aggregates may be evaluated. */
  group?: readonly Row[];
  /** Called once per value computed, so that a page can stop when its time is up. */
  tick: () => void;
}

export function evaluate(expression: Expression, row: Row, scope: Scope): SqlValue {
  switch (expression.kind) {
    case "literal":
      return expression.value;
    case "parameter":
      return parameterValue(expression.name, scope);
    case "alias":
      if (!row.has(expression.name)) throw new QueryError(`Identifier '${expression.name}' could not be resolved.`);
      return row.get(expression.name);
    case "property": {
      const object = evaluate(expression.object, row, scope);
      return isObject(object) && Object.hasOwn(object, expression.name) ? object[expression.name] : undefined;
    }
    case "index":
      return indexInto(evaluate(expression.object, row, scope), evaluate(expression.index, row, scope));
    case "unary":
      return unary(expression.operator, evaluate(expression.operand, row, scope));
    case "binary":
      return binary(expression, row, scope);
    case "between":
      return between(expression, row, scope);
    case "in":
      return inList(expression, row, scope);
    case "like":
      return like(expression, row, scope);
    case "conditional":
      return evaluate(expression.test, row, scope) === true
        ? evaluate(expression.whenTrue, row, scope)
        : evaluate(expression.whenFalse, row, scope);
    case "call":
      return call(expression, row, scope);
    case "array":
      return expression.items.map((item) => evaluate(item, row, scope)).filter((item) => item !== undefined);
    case "object":
      return buildObject(expression.properties, row, scope);
    case "subquery":
      return subquery(expression, row, scope);
  }
}

function parameterValue(name: string, scope: Scope): SqlValue {
  if (!scope.parameters.has(name)) {
    throw new QueryError(`The parameter '${name}' is not defined: add it to the query's parameters.`);
  }
  return scope.parameters.get(name);
}

function indexInto(object: SqlValue, index: SqlValue): SqlValue {
  if (Array.isArray(object) && typeof index === "number") return object[index];
  if (isObject(object) && typeof index === "string") return Object.hasOwn(object, index) ? object[index] : undefined;
  return undefined;
}

function unary(operator: string, value: SqlValue): SqlValue {
  if (operator === "NOT") return typeof value === "boolean" ? !value : undefined;
  if (typeof value !== "number") return undefined;
  if (operator === "-") return -value;
  if (operator === "~") return ~value;
  return value;
}

function binary(expression: Extract<Expression, { kind: "binary" }>, row: Row, scope: Scope): SqlValue {
  const { operator } = expression;
  const left = evaluate(expression.left, row, scope);
  if (operator === "??") return left !== undefined ? left : evaluate(expression.right, row, scope);
  // AND and OR short-circuit on the value that decides them.
  if (operator === "AND" && left === false) return false;
  if (operator === "OR" && left === true) return true;
  const right = evaluate(expression.right, row, scope);
  return applyBinary(operator, left, right);
}

export function applyBinary(operator: BinaryOperator, left: SqlValue, right: SqlValue): SqlValue {
  switch (operator) {
    case "AND":
      return right === false ? false : left === true && right === true ? true : undefined;
    case "OR":
      return right === true ? true : left === false && right === false ? false : undefined;
    case "=":
      return sqlEquals(left, right);
    case "!=": {
      const equal = sqlEquals(left, right);
      return equal === undefined ? undefined : !equal;
    }
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compareWith(operator, sqlCompare(left, right));
    case "||":
      return typeof left === "string" && typeof right === "string" ? left + right : undefined;
    default:
      return typeof left === "number" && typeof right === "number" ? arithmetic(operator, left, right) : undefined;
  }
}

function compareWith(operator: "<" | "<=" | ">" | ">=", order: number | undefined): boolean | undefined {
  if (order === undefined) return undefined;
  if (operator === "<") return order < 0;
  if (operator === "<=") return order <= 0;
  if (operator === ">") return order > 0;
  return order >= 0;
}

function arithmetic(operator: BinaryOperator, left: number, right: number): number | undefined {
  const results: Partial<Record<BinaryOperator, () => number>> = {
    "+": () => left + right,
    "-": () => left - right,
    "*": () => left * right,
    "/": () => left / right,
    "%": () => left % right,
    "&": () => left & right,
    "|": () => left | right,
    "^": () => left ^ right,
    "<<": () => left << right,
    ">>": () => left >> right,
    ">>>": () => left >>> right,
  };
  const result = results[operator]?.();
  // Division by zero and the like have no JSON value: the service answers undefined.
  return result !== undefined && Number.isFinite(result) ? result : undefined;
}

function between(expression: Extract<Expression, { kind: "between" }>, row: Row, scope: Scope): SqlValue {
  const value = evaluate(expression.value, row, scope);
  const inside = applyBinary(
    "AND",
    applyBinary(">=", value, evaluate(expression.low, row, scope)),
    applyBinary("<=", value, evaluate(expression.high, row, scope)),
  );
  return expression.negated ? unary("NOT", inside) : inside;
}

function inList(expression: Extract<Expression, { kind: "in" }>, row: Row, scope: Scope): SqlValue {
  const value = evaluate(expression.value, row, scope);
  if (value === undefined) return undefined;
  const found = expression.list.some((item) => sqlEquals(value, evaluate(item, row, scope)) === true);
  return expression.negated ? !found : found;
}

function like(expression: Extract<Expression, { kind: "like" }>, row: Row, scope: Scope): SqlValue {
  const value = evaluate(expression.value, row, scope);
  const pattern = evaluate(expression.pattern, row, scope);
  const escapeCharacter = expression.escape === undefined ? undefined : evaluate(expression.escape, row, scope);
  if (typeof value !== "string" || typeof pattern !== "string") return undefined;
  if (escapeCharacter !== undefined && (typeof escapeCharacter !== "string" || escapeCharacter.length !== 1))
    return undefined;
  const matches = likePattern(pattern, escapeCharacter).test(value);
  return expression.negated ? !matches : matches;
}

const likePatterns = new Map<string, RegExp>();

/**
 * LIKE's pattern as an anchored regular expression: `%` any run, `_` one character, `[a-f]` and
 * `[^a-f]` classes, and the escape character taking the next one literally. Only these constructs
 * are produced, and `%` runs collapse, so matching cannot backtrack badly.
 */
export function likePattern(pattern: string, escapeCharacter: string | undefined): RegExp {
  const key = `${escapeCharacter ?? ""}\u0000${pattern}`;
  const cached = likePatterns.get(key);
  if (cached) return cached;
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    if (char === escapeCharacter && index + 1 < pattern.length) source += escapeRegExp(pattern.charAt(++index));
    else if (char === "%") source += source.endsWith("[\\s\\S]*") ? "" : "[\\s\\S]*";
    else if (char === "_") source += "[\\s\\S]";
    else if (char === "[" && pattern.indexOf("]", index + 1) > index + 1) {
      const end = pattern.indexOf("]", index + 1);
      const body = pattern.slice(index + 1, end);
      source += body.startsWith("^") ? `[^${escapeClass(body.slice(1))}]` : `[${escapeClass(body)}]`;
      index = end;
    } else source += escapeRegExp(char);
  }
  const compiled = new RegExp(`^${source}$`, "u");
  if (likePatterns.size > 1000) likePatterns.clear();
  likePatterns.set(key, compiled);
  return compiled;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const escapeClass = (text: string): string => text.replace(/[\\\]^]/g, "\\$&");

function buildObject(properties: { name: string; value: Expression }[], row: Row, scope: Scope): JsonObject {
  const object: JsonObject = {};
  for (const { name, value } of properties) {
    const result = evaluate(value, row, scope);
    if (result !== undefined) object[name] = result;
  }
  return object;
}

function call(expression: Extract<Expression, { kind: "call" }>, row: Row, scope: Scope): SqlValue {
  if (expression.udf) throw new QueryError(`The user-defined function 'udf.${expression.name}' does not exist.`);
  if (AGGREGATE_NAMES.has(expression.name)) return aggregate(expression, scope);
  const system = SYSTEM_FUNCTIONS[expression.name];
  if (system === undefined) throw new QueryError(`'${expression.name}' is not a recognized built-in function name.`);
  scope.tick();
  return system.apply(
    expression.args.map((arg) => evaluate(arg, row, scope)),
    scope,
  );
}

function aggregate(expression: Extract<Expression, { kind: "call" }>, scope: Scope): SqlValue {
  const { group } = scope;
  const [argument] = expression.args;
  if (group === undefined || argument === undefined) {
    throw new QueryError(`Aggregate function '${expression.name}' is not allowed here.`);
  }
  const inner: Scope = { ...scope, group: undefined };
  const values = group.map((member) => evaluate(argument, member, inner)).filter((value) => value !== undefined);
  return aggregateValues(expression.name, values);
}

/** COUNT, SUM, AVG, MIN, MAX, MakeList and MakeSet over the defined values of a group. */
export function aggregateValues(name: string, values: SqlValue[]): SqlValue {
  if (name === "COUNT") return values.length;
  if (name === "MAKELIST") return values;
  if (name === "MAKESET") return [...new Map(values.map((value) => [canonicalText(value), value])).values()];
  if (name === "SUM" || name === "AVG") {
    if (!values.every((value) => typeof value === "number")) return undefined;
    const sum = (values as number[]).reduce((total, value) => total + value, 0);
    return name === "SUM" ? sum : values.length === 0 ? undefined : sum / values.length;
  }
  if (values.some((value) => typeof value === "object" && value !== null)) return undefined;
  let best: SqlValue;
  for (const value of values) {
    const order = best === undefined ? 1 : orderCompare(value, best);
    if (best === undefined || (name === "MIN" ? order < 0 : order > 0)) best = value;
  }
  return best;
}

function subquery(expression: Extract<Expression, { kind: "subquery" }>, row: Row, scope: Scope): SqlValue {
  const results = scope.runSubquery(expression.query, row);
  if (expression.mode === "exists") return results.length > 0;
  if (expression.mode === "array") return results;
  if (results.length > 1) throw new QueryError("The scalar subquery returned more than one value.");
  return results[0];
}
