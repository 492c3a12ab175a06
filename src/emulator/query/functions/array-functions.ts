/** Array and set functions, ObjectToArray, and the conditional IIF. */
import type { SqlValue } from "../ast";
import { canonicalText, deepEqual, isObject, type JsonObject } from "../values";
import { type FunctionTable, fn, isBoolean, isNumber, isString } from "./function-table";

/** ARRAY_CONTAINS with `partial`: an object matches when it holds every property of the one sought. */
function containsPartially(candidate: SqlValue, sought: SqlValue): boolean {
  if (!isObject(candidate) || !isObject(sought)) return deepEqual(candidate, sought);
  return Object.entries(sought).every(([key, value]) => value === undefined || deepEqual(candidate[key], value));
}

function arrayContains([array, sought, partial = false]: SqlValue[]): SqlValue {
  if (!Array.isArray(array) || !isBoolean(partial) || sought === undefined) return undefined;
  return array.some((item) => (partial ? containsPartially(item, sought) : deepEqual(item, sought)));
}

function arraySlice([array, start, length]: SqlValue[]): SqlValue {
  if (!Array.isArray(array) || !isNumber(start) || (length !== undefined && !isNumber(length))) return undefined;
  const from = start < 0 ? Math.max(0, array.length + Math.trunc(start)) : Math.trunc(start);
  return length === undefined ? array.slice(from) : array.slice(from, from + Math.max(0, Math.trunc(length)));
}

/** Distinct values of `items`, in first-seen order. */
function distinctValues(items: SqlValue[]): SqlValue[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = canonicalText(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function setIntersect([left, right]: SqlValue[]): SqlValue {
  if (!Array.isArray(left) || !Array.isArray(right)) return undefined;
  const inRight = new Set(right.map(canonicalText));
  return distinctValues(left.filter((item) => inRight.has(canonicalText(item))));
}

function setUnion([left, right]: SqlValue[]): SqlValue {
  return Array.isArray(left) && Array.isArray(right) ? distinctValues([...left, ...right]) : undefined;
}

function objectToArray([object, keyName = "k", valueName = "v"]: SqlValue[]): SqlValue {
  if (!isObject(object) || !isString(keyName) || !isString(valueName)) return undefined;
  return Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]): JsonObject => ({ [keyName]: key, [valueName]: value }));
}

export const ARRAY_FUNCTIONS: FunctionTable = {
  ARRAY_CONCAT: fn(2, Number.POSITIVE_INFINITY, (args) =>
    args.every(Array.isArray) ? (args as SqlValue[][]).flat(1) : undefined,
  ),
  ARRAY_CONTAINS: fn(2, 3, arrayContains),
  ARRAY_CONTAINS_ANY: fn(2, Number.POSITIVE_INFINITY, ([array, ...sought]) =>
    Array.isArray(array) ? sought.some((value) => array.some((item) => deepEqual(item, value))) : undefined,
  ),
  ARRAY_CONTAINS_ALL: fn(2, Number.POSITIVE_INFINITY, ([array, ...sought]) =>
    Array.isArray(array) ? sought.every((value) => array.some((item) => deepEqual(item, value))) : undefined,
  ),
  ARRAY_LENGTH: fn(1, 1, ([array]) => (Array.isArray(array) ? array.length : undefined)),
  ARRAY_SLICE: fn(2, 3, arraySlice),
  SETINTERSECT: fn(2, 2, setIntersect),
  SETUNION: fn(2, 2, setUnion),
  OBJECTTOARRAY: fn(1, 3, objectToArray),
  IIF: fn(3, 3, ([condition, whenTrue, whenFalse]) => (condition === true ? whenTrue : whenFalse)),
};
