/**
 * How Cosmos SQL compares values. Equality and `<` only hold between values of one type (anything
 * else is undefined); ORDER BY, MIN and MAX instead rank across types:
 * undefined < null < false < true < numbers < strings < arrays < objects.
 */
import type { SqlValue } from "./ast";

export type JsonObject = { [key: string]: SqlValue };

export const isObject = (value: SqlValue): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const typeName = (value: SqlValue): string =>
  value === undefined
    ? "undefined"
    : value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : typeof value === "object"
          ? "object"
          : typeof value;

const TYPE_RANK: Record<string, number> = {
  undefined: 0,
  null: 1,
  boolean: 2,
  number: 3,
  string: 4,
  array: 5,
  object: 6,
};

/** Deep equality of two defined values of one type. */
export function deepEqual(left: SqlValue, right: SqlValue): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right))
    return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  if (isObject(left) && isObject(right)) {
    const keys = Object.keys(left).filter((key) => left[key] !== undefined);
    const otherKeys = Object.keys(right).filter((key) => right[key] !== undefined);
    return keys.length === otherKeys.length && keys.every((key) => deepEqual(left[key], right[key]));
  }
  return false;
}

/** `=`: undefined when either side is undefined or the types differ. */
export function sqlEquals(left: SqlValue, right: SqlValue): boolean | undefined {
  if (left === undefined || right === undefined) return undefined;
  if (typeName(left) !== typeName(right)) return undefined;
  return deepEqual(left, right);
}

/** `<` and friends: a number, or undefined when the values cannot be ordered (types differ, arrays, objects). */
export function sqlCompare(left: SqlValue, right: SqlValue): number | undefined {
  if (left === undefined || right === undefined) return undefined;
  const type = typeName(left);
  if (type !== typeName(right) || type === "array" || type === "object") return undefined;
  if (type === "null") return 0;
  return compareSameType(left, right);
}

function compareSameType(left: SqlValue, right: SqlValue): number {
  if (typeof left === "string" && typeof right === "string") return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === "boolean") return Number(left) - Number(right as boolean);
  if (typeof left === "number") return Math.sign(left - (right as number));
  return 0;
}

/** The total order of ORDER BY, MIN and MAX. */
export function orderCompare(left: SqlValue, right: SqlValue): number {
  const leftRank = TYPE_RANK[typeName(left)] as number;
  const rightRank = TYPE_RANK[typeName(right)] as number;
  if (leftRank !== rightRank) return leftRank - rightRank;
  if (Array.isArray(left) && Array.isArray(right)) return compareArrays(left, right);
  if (isObject(left) && isObject(right)) return canonicalText(left) < canonicalText(right) ? -1 : 1;
  return compareSameType(left, right);
}

function compareArrays(left: SqlValue[], right: SqlValue[]): number {
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const order = orderCompare(left[index], right[index]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** A text that two values share exactly when they are equal: object keys sorted, undefined dropped. */
export function canonicalText(value: SqlValue): string {
  if (value === undefined) return "~undefined";
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(",")}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalText(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Drops undefined properties and array elements become null, as the service serialises them. */
export function toJsonValue(value: SqlValue): SqlValue {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJsonValue(item)));
  if (isObject(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) result[key] = toJsonValue(item);
    return result;
  }
  return value;
}
