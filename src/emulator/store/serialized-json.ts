/**
 * A written item is turned into JSON once. Stored items are never changed in place (see store.ts),
 * so the text made when an item is written (or read) serves that request's every need: the size
 * check, the charge, the journal line, and the reply that carries it (alone, in a batch result or a
 * feed page).
 *
 * A text lives only as long as its request: the reply that carries it forgets it (`replyJson`).
 * Keeping every stored item's text would double the memory an item takes, and a text kept past
 * its request is copied by the young generation's collections and moved to the old generation,
 * only to die there. A bounded number of recent texts stays as a backstop, for writes whose reply
 * leaves the item out (`Prefer: return=minimal`, a failed batch).
 */

interface SerializedItem {
  json: string;
  /** UTF-8 length of `json`. */
  bytes: number;
}

/** Recently serialized items, oldest first; enough for the writes of many concurrent requests. */
const recentTexts = new Map<object, SerializedItem>();
const RECENT_TEXTS = 4096;

/** The item's JSON and its size in bytes, made once per request that needs them. */
export function serializedItem(item: object): SerializedItem {
  let serialized = recentTexts.get(item);
  if (serialized === undefined) {
    const json = JSON.stringify(item);
    serialized = { json, bytes: Buffer.byteLength(json) };
    recentTexts.set(item, serialized);
    if (recentTexts.size > RECENT_TEXTS) recentTexts.delete(recentTexts.keys().next().value as object);
  }
  return serialized;
}

/**
 * The size of the item's JSON, for a reply that does not carry the item (a delete, a 304): the
 * text made for it is not kept.
 */
export function serializedBytes(item: object): number {
  return recentTexts.get(item)?.bytes ?? Buffer.byteLength(JSON.stringify(item));
}

const isSerializedItem = (value: unknown): boolean =>
  value !== null && typeof value === "object" && recentTexts.has(value);

/** True when `value` carries serialized items one level down, so building its JSON by hand pays. */
function carriesSerializedItems(value: object): boolean {
  for (const child of Object.values(value)) {
    if (isSerializedItem(child) || (Array.isArray(child) && child.some(isSerializedItem))) return true;
  }
  return false;
}

/**
 * Arrays and objects that carry item texts are put together with `+=`, not `join`: V8 then keeps
 * the pieces as a rope and copies them once, when the reply is written out, instead of copying
 * every item's text again into each enclosing object and array. For a batch of 100 creates this
 * halves the cost of the reply's JSON.
 */
function encode(value: unknown, forget: boolean): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return encodeArray(value, forget);
  const serialized = recentTexts.get(value);
  if (serialized !== undefined) {
    if (forget) recentTexts.delete(value);
    return serialized.json;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function" || !carriesSerializedItems(value)) {
    return JSON.stringify(value);
  }
  let text = "";
  for (const key of Object.keys(value)) {
    const encoded = encode((value as Record<string, unknown>)[key], forget);
    if (encoded !== undefined) text += `${text === "" ? "{" : ","}${JSON.stringify(key)}:${encoded}`;
  }
  return text === "" ? "{}" : `${text}}`;
}

function encodeArray(array: unknown[], forget: boolean): string {
  let text = "[";
  for (let index = 0; index < array.length; index++) {
    if (index > 0) text += ",";
    text += encode(array[index], forget) ?? "null";
  }
  return `${text}]`;
}

/** `JSON.stringify(value)`, reusing the text of every stored item inside it. */
export function toJson(value: unknown): string {
  return encode(value, false) ?? "null";
}

/** `toJson` for a reply, the last use of its items' texts: they are forgotten once used. */
export function replyJson(value: unknown): string {
  return encode(value, true) ?? "null";
}
