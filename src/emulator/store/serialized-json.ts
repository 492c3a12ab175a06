/**
 * A written item is turned into JSON once. Stored items are never changed in place (see store.ts),
 * so the text made when an item is written serves that request's every need: the size check, the
 * charge, the journal line, and the reply that carries it (alone, in a batch result or a feed page).
 *
 * The size of every stored item is kept for as long as the item lives (reads are charged by it),
 * but its text only for the most recent writes: keeping the text of every item would double the
 * memory a stored item takes, and only the request that wrote it reuses it.
 */

interface SerializedItem {
  json: string;
  /** UTF-8 length of `json`. */
  bytes: number;
}

const itemBytes = new WeakMap<object, number>();

/** Texts of recently written items, oldest first; enough for the writes of many concurrent requests. */
const recentTexts = new Map<object, string>();
const RECENT_TEXTS = 4096;

function rememberText(item: object, json: string): void {
  recentTexts.set(item, json);
  if (recentTexts.size > RECENT_TEXTS) recentTexts.delete(recentTexts.keys().next().value as object);
}

/** The item's JSON and its size in bytes, made once per write and reused by that request. */
export function serializedItem(item: object): SerializedItem {
  const cached = recentTexts.get(item);
  if (cached !== undefined) return { json: cached, bytes: itemBytes.get(item) ?? Buffer.byteLength(cached) };
  const json = JSON.stringify(item);
  const bytes = Buffer.byteLength(json);
  itemBytes.set(item, bytes);
  rememberText(item, json);
  return { json, bytes };
}

/** The item's size in bytes as stored, without keeping its text. */
export function storedBytes(item: object): number {
  return itemBytes.get(item) ?? serializedItem(item).bytes;
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

function encode(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const text = recentTexts.get(value);
  if (text !== undefined) return text;
  if (Array.isArray(value)) return `[${value.map((element) => encode(element) ?? "null").join(",")}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function" || !carriesSerializedItems(value)) {
    return JSON.stringify(value);
  }
  const members: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const encoded = encode(child);
    if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
  }
  return `{${members.join(",")}}`;
}

/** `JSON.stringify(value)`, reusing the text of every stored item inside it. */
export function toJson(value: unknown): string {
  return encode(value) ?? "null";
}
