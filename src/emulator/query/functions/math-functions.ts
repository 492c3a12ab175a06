/** Mathematical functions, and the Int* functions that compute on 64-bit integers. */
import type { SqlValue } from "../ast";
import { type FunctionTable, fn, isNumber, numeric } from "./function-table";

/** ROUND rounds halves away from zero (Math.round rounds -2.5 to -2). */
const roundHalfAway = (value: number): number => Math.sign(value) * Math.round(Math.abs(value));

const LONG_MIN = -(2n ** 63n);
const LONG_SPAN = 2n ** 64n;

/** Wraps to a signed 64-bit integer, as the service's Int* functions overflow. */
const toLong = (value: bigint): number => {
  let wrapped = (value - LONG_MIN) % LONG_SPAN;
  if (wrapped < 0n) wrapped += LONG_SPAN;
  return Number(wrapped + LONG_MIN);
};

/** An Int* function: undefined unless both arguments are integers. */
const integral = (compute: (left: bigint, right: bigint) => bigint | undefined, count = 2) =>
  fn(count, count, (args: SqlValue[]) => {
    if (!args.every((value) => isNumber(value) && Number.isInteger(value))) return undefined;
    const [left, right = 0n] = args.map((value) => BigInt(value as number)) as [bigint, bigint?];
    const result = compute(left, right);
    return result === undefined ? undefined : toLong(result);
  });

function numberBin([value, binSize = 1]: SqlValue[]): SqlValue {
  if (!isNumber(value) || !isNumber(binSize) || binSize <= 0) return undefined;
  return Math.floor(value / binSize) * binSize;
}

export const MATH_FUNCTIONS: FunctionTable = {
  ABS: numeric(1, Math.abs),
  ACOS: numeric(1, Math.acos),
  ASIN: numeric(1, Math.asin),
  ATAN: numeric(1, Math.atan),
  ATN2: numeric(2, (x, y) => Math.atan2(y, x)),
  CEILING: numeric(1, Math.ceil),
  COS: numeric(1, Math.cos),
  COT: numeric(1, (x) => 1 / Math.tan(x)),
  DEGREES: numeric(1, (x) => (x * 180) / Math.PI),
  EXP: numeric(1, Math.exp),
  FLOOR: numeric(1, Math.floor),
  LOG: fn(1, 2, ([value, base]) => {
    if (!isNumber(value) || (base !== undefined && !isNumber(base))) return undefined;
    const result = base === undefined ? Math.log(value) : Math.log(value) / Math.log(base);
    return Number.isFinite(result) ? result : undefined;
  }),
  LOG10: numeric(1, Math.log10),
  PI: fn(0, 0, () => Math.PI),
  POWER: numeric(2, Math.pow),
  RADIANS: numeric(1, (x) => (x * Math.PI) / 180),
  RAND: fn(0, 0, () => Math.random()),
  ROUND: numeric(1, roundHalfAway),
  SIGN: numeric(1, Math.sign),
  SIN: numeric(1, Math.sin),
  SQRT: numeric(1, Math.sqrt),
  SQUARE: numeric(1, (x) => x * x),
  TAN: numeric(1, Math.tan),
  TRUNC: numeric(1, Math.trunc),
  NUMBERBIN: fn(1, 2, numberBin),
  INTADD: integral((a, b) => a + b),
  INTSUB: integral((a, b) => a - b),
  INTMUL: integral((a, b) => a * b),
  INTDIV: integral((a, b) => (b === 0n ? undefined : a / b)),
  INTMOD: integral((a, b) => (b === 0n ? undefined : a % b)),
  INTBITAND: integral((a, b) => a & b),
  INTBITOR: integral((a, b) => a | b),
  INTBITXOR: integral((a, b) => a ^ b),
  INTBITNOT: integral((a) => ~a, 1),
  INTBITLEFTSHIFT: integral((a, b) => BigInt.asIntN(64, a << b)),
  INTBITRIGHTSHIFT: integral((a, b) => a >> b),
};
