/**
 * String functions. RegexMatch runs on RE2 (re2js, linear in the input): no pattern can
 * backtrack for seconds and hold up every other client of the emulator.
 */
import { RE2JS } from "re2js";
import type { SqlValue } from "../ast";
import { isObject } from "../values";
import { type FunctionTable, fn, isBoolean, isNumber, isString } from "./function-table";

const strings = (count: number, compute: (...texts: string[]) => SqlValue) =>
  fn(count, count, (args) => (args.every(isString) ? compute(...(args as string[])) : undefined));

/** Functions with an optional trailing ignore-case flag: CONTAINS, STARTSWITH, ENDSWITH, StringEquals. */
const withIgnoreCase = (compute: (text: string, other: string) => boolean) =>
  fn(2, 3, ([text, other, ignoreCase = false]) => {
    if (!isString(text) || !isString(other) || !isBoolean(ignoreCase)) return undefined;
    return ignoreCase ? compute(text.toLowerCase(), other.toLowerCase()) : compute(text, other);
  });

const textAndCount = (compute: (text: string, count: number) => SqlValue) =>
  fn(2, 2, ([text, count]) => (isString(text) && isNumber(count) ? compute(text, Math.trunc(count)) : undefined));

/** JSON text of the expected type, else undefined (StringToArray, StringToObject, ...). */
const parsedAs = (accept: (value: unknown) => boolean) =>
  strings(1, (text) => {
    try {
      const value = JSON.parse(text) as SqlValue;
      return accept(value) ? value : undefined;
    } catch {
      return undefined;
    }
  });

const compiledPatterns = new Map<string, RE2JS>();

function regexMatch([text, pattern, modifiers = ""]: SqlValue[]): SqlValue {
  if (!isString(text) || !isString(pattern) || !isString(modifiers)) return undefined;
  const cacheKey = `${modifiers}/${pattern}`;
  let compiled = compiledPatterns.get(cacheKey);
  if (compiled === undefined) {
    let flags = 0;
    if (modifiers.includes("i")) flags |= RE2JS.CASE_INSENSITIVE;
    if (modifiers.includes("m")) flags |= RE2JS.MULTILINE;
    if (modifiers.includes("s")) flags |= RE2JS.DOTALL;
    // RE2 has no `x` (free-spacing) flag: dropping unescaped whitespace has the same effect.
    const source = modifiers.includes("x") ? pattern.replace(/(?<!\\)\s+/g, "") : pattern;
    try {
      compiled = RE2JS.compile(source, flags);
    } catch {
      return undefined;
    }
    if (compiledPatterns.size > 1000) compiledPatterns.clear();
    compiledPatterns.set(cacheKey, compiled);
  }
  return compiled.matcher(text).find();
}

/** ToString: strings as they are, everything else as its JSON text. */
function toText(value: SqlValue): SqlValue {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export const STRING_FUNCTIONS: FunctionTable = {
  CONCAT: fn(2, Number.POSITIVE_INFINITY, (args) => (args.every(isString) ? args.join("") : undefined)),
  CONTAINS: withIgnoreCase((text, other) => text.includes(other)),
  STARTSWITH: withIgnoreCase((text, other) => text.startsWith(other)),
  ENDSWITH: withIgnoreCase((text, other) => text.endsWith(other)),
  STRINGEQUALS: withIgnoreCase((text, other) => text === other),
  INDEX_OF: fn(2, 3, ([text, other, start = 0]) =>
    isString(text) && isString(other) && isNumber(start) ? text.indexOf(other, start) : undefined,
  ),
  LEFT: textAndCount((text, count) => text.slice(0, Math.max(0, count))),
  RIGHT: textAndCount((text, count) => (count <= 0 ? "" : text.slice(-count))),
  LENGTH: strings(1, (text) => text.length),
  LOWER: strings(1, (text) => text.toLowerCase()),
  UPPER: strings(1, (text) => text.toUpperCase()),
  LTRIM: strings(1, (text) => text.trimStart()),
  RTRIM: strings(1, (text) => text.trimEnd()),
  TRIM: strings(1, (text) => text.trim()),
  REPLACE: strings(3, (text, search, replacement) => text.split(search).join(replacement)),
  REPLICATE: textAndCount((text, count) => (count < 0 || text.length * count > 10000 ? undefined : text.repeat(count))),
  REVERSE: strings(1, (text) => [...text].reverse().join("")),
  SUBSTRING: fn(3, 3, ([text, start, length]) =>
    isString(text) && isNumber(start) && isNumber(length)
      ? text.substr(Math.max(0, Math.trunc(start)), Math.max(0, Math.trunc(length)))
      : undefined,
  ),
  TOSTRING: fn(1, 1, ([value]) => toText(value)),
  REGEXMATCH: fn(2, 3, regexMatch),
  STRINGTOARRAY: parsedAs(Array.isArray),
  STRINGTOBOOLEAN: parsedAs((value) => typeof value === "boolean"),
  STRINGTONULL: parsedAs((value) => value === null),
  STRINGTONUMBER: parsedAs((value) => typeof value === "number"),
  STRINGTOOBJECT: parsedAs((value) => isObject(value as SqlValue)),
  STRINGJOIN: fn(2, 2, ([parts, separator]) =>
    Array.isArray(parts) && parts.every(isString) && isString(separator) ? parts.join(separator) : undefined,
  ),
  STRINGSPLIT: strings(2, (text, separator) => text.split(separator)),
};
