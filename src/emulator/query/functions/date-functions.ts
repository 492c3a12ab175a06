/**
 * Date and time functions. The service writes date-times as ISO 8601 UTC with seven fraction
 * digits (`2024-05-01T12:30:00.0000000Z`) and counts ticks of 100 ns since the Unix epoch.
 */
import type { SqlValue } from "../ast";
import { type FunctionTable, fn, isNumber, isString } from "./function-table";

const TICKS_PER_MS = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;

/** A moment as ticks (100 ns) since 1970-01-01T00:00:00Z. */
type Ticks = bigint;

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?Z?$/;

function parseDateTime(value: SqlValue): Ticks | undefined {
  if (!isString(value)) return undefined;
  const parts = ISO_DATE_TIME.exec(value);
  if (!parts) return undefined;
  const [, year, month, day, hour = "0", minute = "0", second = "0", fraction = ""] = parts;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  const date = new Date(ms);
  if (Number.isNaN(ms) || date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1)
    return undefined;
  return BigInt(ms) * TICKS_PER_MS + BigInt(fraction.padEnd(7, "0"));
}

export function formatDateTime(ticks: Ticks): string {
  const ms = floorDiv(ticks, TICKS_PER_MS);
  const fraction = ticks - floorDiv(ticks, TICKS_PER_SECOND) * TICKS_PER_SECOND;
  const iso = new Date(Number(ms)).toISOString(); // 2024-05-01T12:30:00.000Z
  return `${iso.slice(0, 19)}.${fraction.toString().padStart(7, "0")}Z`;
}

const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

const nowTicks = (): Ticks => BigInt(Date.now()) * TICKS_PER_MS;

type Unit = "year" | "month" | "day" | "hour" | "minute" | "second" | "millisecond" | "microsecond" | "nanosecond";

const UNIT_NAMES: Record<string, Unit> = {
  year: "year",
  yyyy: "year",
  yy: "year",
  month: "month",
  mm: "month",
  m: "month",
  day: "day",
  dd: "day",
  d: "day",
  hour: "hour",
  hh: "hour",
  minute: "minute",
  mi: "minute",
  n: "minute",
  second: "second",
  ss: "second",
  s: "second",
  millisecond: "millisecond",
  ms: "millisecond",
  microsecond: "microsecond",
  mcs: "microsecond",
  nanosecond: "nanosecond",
  ns: "nanosecond",
};

const unitOf = (value: SqlValue): Unit | undefined => (isString(value) ? UNIT_NAMES[value.toLowerCase()] : undefined);

/** Ticks in one unit, for the units of fixed length. */
const FIXED_UNIT_TICKS: Partial<Record<Unit, bigint>> = {
  day: 864_000_000_000n,
  hour: 36_000_000_000n,
  minute: 600_000_000n,
  second: TICKS_PER_SECOND,
  millisecond: TICKS_PER_MS,
  microsecond: 10n,
  nanosecond: 1n,
};

function addMonths(ticks: Ticks, months: number): Ticks {
  const ms = Number(floorDiv(ticks, TICKS_PER_MS));
  const remainder = ticks - BigInt(ms) * TICKS_PER_MS;
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return BigInt(date.getTime()) * TICKS_PER_MS + remainder;
}

function dateTimeAdd([part, amount, dateTime]: SqlValue[]): SqlValue {
  const unit = unitOf(part);
  const ticks = parseDateTime(dateTime);
  if (unit === undefined || ticks === undefined || !isNumber(amount)) return undefined;
  const count = Math.trunc(amount);
  if (unit === "year") return formatDateTime(addMonths(ticks, 12 * count));
  if (unit === "month") return formatDateTime(addMonths(ticks, count));
  // Nanoseconds below 100 are below a tick: they add nothing.
  const step =
    unit === "nanosecond" ? BigInt(Math.trunc(count / 100)) : BigInt(count) * (FIXED_UNIT_TICKS[unit] as bigint);
  return formatDateTime(ticks + step);
}

function calendarParts(ticks: Ticks) {
  const date = new Date(Number(floorDiv(ticks, TICKS_PER_MS)));
  const subSecond = ticks - floorDiv(ticks, TICKS_PER_SECOND) * TICKS_PER_SECOND;
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: Number(subSecond / TICKS_PER_MS),
    microsecond: Number(subSecond / 10n),
    nanosecond: Number(subSecond * 100n),
  };
}

function dateTimePart([part, dateTime]: SqlValue[]): SqlValue {
  const unit = unitOf(part);
  const ticks = parseDateTime(dateTime);
  return unit === undefined || ticks === undefined ? undefined : calendarParts(ticks)[unit];
}

/** How many `unit` boundaries lie between two moments (as SQL's DATEDIFF counts them). */
function dateTimeDiff([part, start, end]: SqlValue[]): SqlValue {
  const unit = unitOf(part);
  const from = parseDateTime(start);
  const to = parseDateTime(end);
  if (unit === undefined || from === undefined || to === undefined) return undefined;
  const a = calendarParts(from);
  const b = calendarParts(to);
  if (unit === "year") return b.year - a.year;
  if (unit === "month") return (b.year - a.year) * 12 + (b.month - a.month);
  const size = FIXED_UNIT_TICKS[unit] as bigint;
  return Number(floorDiv(to, size) - floorDiv(from, size));
}

function dateTimeFromParts(args: SqlValue[]): SqlValue {
  if (!args.every(isNumber)) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0, fraction = 0] = args as number[];
  const ms = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second);
  const date = new Date(ms);
  const valid =
    date.getUTCFullYear() === year && date.getUTCMonth() === (month as number) - 1 && date.getUTCDate() === day;
  if (!valid || hour > 23 || minute > 59 || second > 59 || fraction < 0 || fraction > 9_999_999) return undefined;
  return formatDateTime(BigInt(ms) * TICKS_PER_MS + BigInt(Math.trunc(fraction)));
}

function dateTimeBin([dateTime, part, binSize = 1, origin]: SqlValue[]): SqlValue {
  const unit = unitOf(part);
  const ticks = parseDateTime(dateTime);
  const start = origin === undefined ? 0n : parseDateTime(origin);
  if (unit === undefined || ticks === undefined || start === undefined || !isNumber(binSize) || binSize <= 0)
    return undefined;
  if (unit === "year" || unit === "month") {
    const months = (p: ReturnType<typeof calendarParts>) => p.year * 12 + p.month - 1;
    const size = unit === "year" ? 12 * binSize : binSize;
    const offset = months(calendarParts(ticks)) - months(calendarParts(start));
    return formatDateTime(addMonths(start, Math.floor(offset / size) * size));
  }
  const size = (FIXED_UNIT_TICKS[unit] as bigint) * BigInt(Math.trunc(binSize));
  return formatDateTime(start + floorDiv(ticks - start, size) * size);
}

const fromNumber = (scale: bigint) =>
  fn(1, 1, ([value]) => (isNumber(value) ? formatDateTime(BigInt(Math.trunc(value)) * scale) : undefined));

const toNumber = (scale: bigint) =>
  fn(1, 1, ([value]) => {
    const ticks = parseDateTime(value);
    return ticks === undefined ? undefined : Number(floorDiv(ticks, scale));
  });

export const DATE_FUNCTIONS: FunctionTable = {
  GETCURRENTDATETIME: fn(0, 0, () => formatDateTime(nowTicks())),
  GETCURRENTTIMESTAMP: fn(0, 0, () => Date.now()),
  GETCURRENTTICKS: fn(0, 0, () => Number(nowTicks())),
  // The static variants answer one value for the whole query: the moment it started.
  GETCURRENTDATETIMESTATIC: fn(0, 0, (_, { startedAt }) => formatDateTime(BigInt(startedAt) * TICKS_PER_MS)),
  GETCURRENTTIMESTAMPSTATIC: fn(0, 0, (_, { startedAt }) => startedAt),
  GETCURRENTTICKSSTATIC: fn(0, 0, (_, { startedAt }) => startedAt * 10_000),
  DATETIMEADD: fn(3, 3, dateTimeAdd),
  DATETIMEPART: fn(2, 2, dateTimePart),
  DATETIMEDIFF: fn(3, 3, dateTimeDiff),
  DATETIMEFROMPARTS: fn(3, 7, dateTimeFromParts),
  DATETIMEBIN: fn(2, 4, dateTimeBin),
  DATETIMETOTICKS: toNumber(1n),
  DATETIMETOTIMESTAMP: toNumber(TICKS_PER_MS),
  TICKSTODATETIME: fromNumber(1n),
  TIMESTAMPTODATETIME: fromNumber(TICKS_PER_MS),
};
