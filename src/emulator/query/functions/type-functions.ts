/** Type checking functions: IS_ARRAY, IS_DEFINED, IS_INTEGER and the others. */
import type { SqlValue } from "../ast";
import { isObject } from "../values";
import { type FunctionTable, fn } from "./function-table";

const check = (test: (value: SqlValue) => boolean) => fn(1, 1, ([value]) => test(value));

/** The service stores integers as 64-bit: larger integral doubles are not integers. */
const isInteger = (value: SqlValue): boolean =>
  typeof value === "number" && Number.isInteger(value) && Math.abs(value) <= 2 ** 63;

export const TYPE_FUNCTIONS: FunctionTable = {
  IS_ARRAY: check(Array.isArray),
  IS_BOOL: check((value) => typeof value === "boolean"),
  IS_DEFINED: check((value) => value !== undefined),
  IS_NULL: check((value) => value === null),
  IS_NUMBER: check((value) => typeof value === "number"),
  IS_OBJECT: check(isObject),
  IS_PRIMITIVE: check((value) => value === null || ["boolean", "number", "string"].includes(typeof value)),
  IS_STRING: check((value) => typeof value === "string"),
  IS_INTEGER: check(isInteger),
  IS_FINITE_NUMBER: check((value) => typeof value === "number" && Number.isFinite(value)),
};
