/**
 * Effective partition keys (EPKs): the hex string the service hashes a partition key value to, and
 * by which it places a logical partition in a partition key range. Three schemes, chosen by the
 * container's definition, as the service and `@azure/cosmos` compute them:
 *
 * - V1 (`Hash`, version 1): MurmurHash3 x86 32-bit over the value's type byte and bytes (strings cut
 *   to 100 characters), then the hash and the value itself in the binary encoding the service sorts by;
 * - V2 (`Hash`, version 2): MurmurHash3 x64 128-bit over the same bytes (strings whole and closed by
 *   0xFF), bytes reversed and the top two bits cleared: 32 hex digits below 0x4000...;
 * - MultiHash (hierarchical keys): the V2 hash of each component, concatenated, so a prefix of the
 *   components names the range of EPKs that start with its hashes.
 *
 * MurmurHash3 itself comes from `@multiformats/murmur3`, a maintained library. It is an ES module,
 * so it is loaded on first use (`loadPartitionHashing`); the handlers that route by range await it.
 */
import { NONE, type PartitionKeyComponent, type PartitionKeyDefinition, type PartitionKeyValue } from "./partition-key";

/** What the emulator uses of the library's hashers. */
interface Hasher {
  digest(input: Uint8Array): { digest: Uint8Array } | Promise<{ digest: Uint8Array }>;
}
interface Murmur {
  murmur3128: Hasher;
  murmur332: Hasher;
}
let murmur: Murmur | undefined;

/** Loads the hash functions; every function below needs it done once. */
export async function loadPartitionHashing(): Promise<void> {
  murmur ??= await import("@multiformats/murmur3");
}

function hashers(): Murmur {
  if (murmur === undefined) throw new Error("Partition keys are hashed before loadPartitionHashing() finished.");
  return murmur;
}

/** The digest's bytes; the murmur3 hashers answer synchronously (the interface also allows a promise). */
function digestOf(hasher: Hasher, bytes: Uint8Array): Uint8Array {
  const digest = hasher.digest(bytes);
  if (digest instanceof Promise) throw new Error("The murmur3 hasher answered asynchronously.");
  return digest.digest;
}

/** The service's type bytes, which open each value's bytes and so also order values of different types. */
const TYPE_BYTE = { undefined: 0x00, null: 0x01, false: 0x02, true: 0x03, number: 0x05, string: 0x08 } as const;
const STRING_END_V2 = 0xff;
/** V1 hashes and encodes at most this many UTF-16 characters of a string. */
const V1_STRING_CHARACTERS = 100;

const utf8 = new TextEncoder();

function float64LittleEndian(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value, true);
  return bytes;
}

/** The bytes V2 (and V1, with its own string rules) feed to the hash for one component. */
function hashedBytes(component: PartitionKeyComponent, stringEnd: number): Uint8Array {
  if (typeof component === "string") return Uint8Array.from([TYPE_BYTE.string, ...utf8.encode(component), stringEnd]);
  if (typeof component === "number") return Uint8Array.from([TYPE_BYTE.number, ...float64LittleEndian(component)]);
  if (typeof component === "boolean") return Uint8Array.of(component ? TYPE_BYTE.true : TYPE_BYTE.false);
  if (component === null) return Uint8Array.of(TYPE_BYTE.null);
  return Uint8Array.of(TYPE_BYTE.undefined); // NONE: the item has no such property
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex").toUpperCase();

/**
 * V2: MurmurHash3 x64 128. The service writes the hash high word first and reverses its bytes,
 * which leaves h2 then h1, each little-endian; the library gives h1 then h2, each little-endian.
 * The top two bits are cleared, so every EPK sorts below 0x40...
 */
function v2Hash(components: readonly PartitionKeyComponent[]): string {
  const bytes = Buffer.concat(components.map((component) => hashedBytes(component, STRING_END_V2)));
  const digest = digestOf(hashers().murmur3128, bytes);
  const ordered = Uint8Array.from([...digest.subarray(8, 16), ...digest.subarray(0, 8)]);
  ordered[0] = (ordered[0] as number) & 0x3f;
  return hex(ordered);
}

/**
 * The service's order-preserving binary encoding of a number: its type byte, the top byte of the
 * double's bits (sign-flipped so that bytes sort like numbers), then the rest seven bits a byte,
 * low bit set on every byte but the last.
 */
export function encodeNumber(value: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const SIGN = 0x8000000000000000n;
  const MASK = 0xffffffffffffffffn;
  let payload = bits < SIGN ? bits ^ SIGN : (~bits + 1n) & MASK;
  const output: number[] = [TYPE_BYTE.number, Number((payload >> 56n) & 0xffn)];
  payload = (payload << 8n) & MASK;
  let byte = 0n;
  let first = true;
  do {
    if (!first && byte !== 0n) output.push(Number(byte));
    first = false;
    byte = ((payload >> 56n) & 0xffn) | 1n;
    payload = (payload << 7n) & MASK;
  } while (payload !== 0n);
  const last = byte & 0xfen;
  if (last !== 0n) output.push(Number(last));
  return Uint8Array.from(output);
}

/** V1's encoding of a string: each byte plus one (so no byte is 0), closed by 0 when short. */
function encodeStringV1(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  const short = text.length <= V1_STRING_CHARACTERS;
  const count = short ? bytes.length : V1_STRING_CHARACTERS + 1;
  const output: number[] = [TYPE_BYTE.string];
  for (let i = 0; i < count; i++) {
    const byte = bytes[i] as number;
    output.push(byte < 255 ? byte + 1 : byte);
  }
  if (short) output.push(TYPE_BYTE.undefined);
  return Uint8Array.from(output);
}

function encodeV1(component: PartitionKeyComponent): Uint8Array {
  if (typeof component === "string") return encodeStringV1(component);
  if (typeof component === "number") return encodeNumber(component);
  return hashedBytes(component, 0);
}

/** V1: the 32-bit hash as an encoded number, then the value itself, so equal hashes still sort by value. */
function v1Hash(component: PartitionKeyComponent): string {
  const cut = typeof component === "string" ? component.slice(0, V1_STRING_CHARACTERS) : component;
  const digest = digestOf(hashers().murmur332, hashedBytes(cut, TYPE_BYTE.undefined)); // little-endian
  const hash = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, true);
  return hex(Uint8Array.from([...encodeNumber(hash), ...encodeV1(cut)]));
}

/**
 * The EPK of a partition key value under the container's definition. For a hierarchical key a
 * prefix of the components gives the EPK its range starts at (see `prefixRange`).
 */
export function effectivePartitionKey(value: PartitionKeyValue, definition: PartitionKeyDefinition): string {
  if (definition.kind === "MultiHash") return value.map((component) => v2Hash([component])).join("");
  const component = value.length > 0 ? (value[0] as PartitionKeyComponent) : NONE;
  return definition.version === 1 ? v1Hash(component) : v2Hash([component]);
}

/** The EPKs a hierarchical prefix covers: from its hashes up to (not including) its hashes followed by FF. */
export function prefixRange(
  prefix: PartitionKeyValue,
  definition: PartitionKeyDefinition,
): { min: string; max: string } {
  const min = effectivePartitionKey(prefix, definition);
  return { min, max: `${min}FF` };
}
