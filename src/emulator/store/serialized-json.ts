/**
 * Each stored item is turned into JSON once. Stored items are never changed in place (see
 * store.ts), so the text made the first time serves every later need: the size check, the charge,
 * the journal line, and every reply that carries the item, alone or inside a batch result, a feed
 * page or a journal record.
 */

interface SerializedItem {
  json: string;
  /** UTF-8 length of `json`. */
  bytes: number;
}

const serializedItems = new WeakMap<object, SerializedItem>();

/** The item's JSON and its size in bytes, made on first use and kept for as long as the item lives. */
export function serializedItem(item: object): SerializedItem {
  let serialized = serializedItems.get(item);
  if (serialized === undefined) {
    const json = JSON.stringify(item);
    serialized = { json, bytes: Buffer.byteLength(json) };
    serializedItems.set(item, serialized);
  }
  return serialized;
}

const isSerializedItem = (value: unknown): boolean =>
  value !== null && typeof value === "object" && serializedItems.has(value);

/** True when `value` carries serialized items one level down, so building its JSON by hand pays. */
function carriesSerializedItems(value: object): boolean {
  for (const child of Object.values(value)) {
    if (isSerializedItem(child) || (Array.isArray(child) && child.some(isSerializedItem))) return true;
  }
  return false;
}

function encode(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const serialized = serializedItems.get(value);
  if (serialized !== undefined) return serialized.json;
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
