/**
 * JSON sent by clients (bodies, partition-key headers, settings headers), parsed so that no input
 * can crash a request: the nesting depth is measured on the text before `JSON.parse` runs, because
 * everything that later walks a document (copying, stringifying, queries) recurses once per level
 * and a few thousand levels exhaust the stack. Errors are 400s that say what to fix.
 */
import { badRequest } from "./cosmos-error";

/**
 * Deepest nesting of objects and arrays accepted. Real documents stay far below it, and every
 * recursive walk of a document stays far below the stack's limit at this depth.
 */
export const MAX_JSON_DEPTH = 128;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * The deepest nesting of `{` and `[` outside strings, counted in one pass without recursion.
 * Strings are skipped with `indexOf`, not read character by character: most of a document's text
 * is in its strings.
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = closingQuote(text, i);
    else if (code === OPEN_OBJECT || code === OPEN_ARRAY) deepest = Math.max(deepest, ++depth);
    else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) depth--;
  }
  return deepest;
}

/** Where the string opened at `opening` ends (the text's length when it never does). */
function closingQuote(text: string, opening: number): number {
  for (let quote = text.indexOf('"', opening + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/** Parses client JSON; `what` names it in the message ("The request body", "The partition key ..."). */
export function parseClientJson(text: string, what: string): unknown {
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest(`${what} nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels; flatten it.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(`${what} is not valid JSON.`);
  }
}
