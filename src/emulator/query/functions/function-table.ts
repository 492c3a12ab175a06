/**
 * The shape every system function shares: its arguments are evaluated first, and a function
 * given an argument of the wrong type answers undefined, as the service does.
 */
import type { SqlValue } from "../ast";

/** What a function may know beyond its arguments: the moment its query started. */
export interface FunctionContext {
  startedAt: number;
}

export interface SystemFunction {
  /** The fewest and the most arguments the function accepts. */
  arity: [number, number];
  apply: (args: SqlValue[], context: FunctionContext) => SqlValue;
}

export type FunctionTable = Record<string, SystemFunction>;

export const fn = (
  min: number,
  max: number,
  apply: (args: SqlValue[], context: FunctionContext) => SqlValue,
): SystemFunction => ({
  arity: [min, max],
  apply,
});

export const isNumber = (value: SqlValue): value is number => typeof value === "number";
export const isString = (value: SqlValue): value is string => typeof value === "string";
export const isBoolean = (value: SqlValue): value is boolean => typeof value === "boolean";

/** A numeric function of numeric arguments; undefined when any argument is not a number. */
export const numeric = (count: number, compute: (...numbers: number[]) => number): SystemFunction =>
  fn(count, count, (args) => (args.every(isNumber) ? finiteOrUndefined(compute(...(args as number[]))) : undefined));

/** NaN and infinities are not JSON: the service answers undefined for them. */
export const finiteOrUndefined = (value: number): number | undefined => (Number.isFinite(value) ? value : undefined);
