/**
 * Effective partition keys against the SDK's own hashing, the oracle: @azure/cosmos routes every
 * bulk operation by it, so any difference would send operations to the wrong range. The SDK does
 * not export it; the test loads it by file path (src/ never does), plus a few of the known vectors
 * from the SDK's unit tests (test/internal/unit/hashing).
 */
import { createRequire } from "node:module";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  effectivePartitionKey,
  loadPartitionHashing,
  prefixRange,
} from "../../../src/emulator/store/effective-partition-key";
import { NONE, type PartitionKeyDefinition, type PartitionKeyValue } from "../../../src/emulator/store/partition-key";

// By file path: the package's exports do not reach its internals.
const sdkHashing = path.join(process.cwd(), "node_modules/@azure/cosmos/dist/commonjs/utils/hashing/hash.js");
const { hashPartitionKey } = createRequire(sdkHashing)(sdkHashing) as {
  hashPartitionKey(key: unknown[], definition: PartitionKeyDefinition): string;
};

const V1: PartitionKeyDefinition = { paths: ["/k"], kind: "Hash", version: 1 };
const V2: PartitionKeyDefinition = { paths: ["/k"], kind: "Hash", version: 2 };
const MULTI: PartitionKeyDefinition = { paths: ["/a", "/b", "/c"], kind: "MultiHash", version: 2 };

/** The SDK's form of a value: the "none" component is `{}` there too. */
const sdkForm = (value: PartitionKeyValue): unknown[] =>
  value.map((component) => (component === NONE ? {} : component));

beforeAll(loadPartitionHashing);

const strings = [
  "",
  "a",
  "redmond",
  "x".repeat(99),
  "x".repeat(100),
  "x".repeat(101),
  "y".repeat(1000),
  "é".repeat(60),
  "é".repeat(120),
  "日本語のキー",
  "🙂".repeat(70),
  "\u0000\u00ff",
];
const numbers = [
  0,
  -0,
  1,
  -1,
  5.5,
  -2.25,
  12313.1221,
  123456789,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  1e300,
  -1e-300,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];
const others = [true, false, null, NONE];

describe("effective partition keys match the SDK's hashPartitionKey", () => {
  for (const [name, definition] of [
    ["V1", V1],
    ["V2", V2],
  ] as const) {
    it(`${name}: strings, including ones past V1's 100-character cut`, () => {
      for (const value of strings) {
        expect(effectivePartitionKey([value], definition), value).toBe(hashPartitionKey([value], definition));
      }
    });

    it(`${name}: numbers, negative, fractional and large`, () => {
      for (const value of numbers) {
        expect(effectivePartitionKey([value], definition), String(value)).toBe(hashPartitionKey([value], definition));
      }
    });

    it(`${name}: true, false, null and the none key`, () => {
      for (const value of others) {
        expect(effectivePartitionKey([value], definition)).toBe(hashPartitionKey(sdkForm([value]), definition));
      }
    });

    it(`${name}: any string or double`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: "grapheme", maxLength: 150 }), fc.double({ noNaN: true })), (value) => {
          expect(effectivePartitionKey([value], definition)).toBe(hashPartitionKey([value], definition));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("MultiHash: whole keys and every prefix of them", () => {
    const keys: PartitionKeyValue[] = [
      ["tenant", "user", "session"],
      ["tenant", 5, true],
      [null, NONE, -1.5],
      ["", "x".repeat(200), false],
    ];
    for (const key of keys) {
      for (let length = 1; length <= key.length; length++) {
        const prefix = key.slice(0, length);
        expect(effectivePartitionKey(prefix, MULTI)).toBe(hashPartitionKey(sdkForm(prefix), MULTI));
      }
    }
  });
});

describe("fixed vectors", () => {
  it("V1, from the SDK's unit tests", () => {
    expect(effectivePartitionKey(["redmond"], V1)).toBe("05C1EFE313830C087366656E706F6500");
    expect(effectivePartitionKey([null], V1)).toBe("05C1ED45D7475601");
    expect(effectivePartitionKey([NONE], V1)).toBe("05C1D529E345DC00");
    expect(effectivePartitionKey([12313.1221], V1)).toBe("05C1ED154D592E05C0C90723F50FC925D8");
  });

  it("V2, from the SDK's unit tests", () => {
    expect(effectivePartitionKey(["redmond"], V2)).toBe("22E342F38A486A088463DFF7838A5963");
    expect(effectivePartitionKey([""], V2)).toBe("32E9366E637A71B4E710384B2F4970A0");
    expect(effectivePartitionKey([5.5], V2)).toBe("0E2EE47829D1AF775EEFB6540FD1D0ED");
    expect(effectivePartitionKey([NONE], V2)).toBe("11622DAA78F835834610ABE56EFF5CB5");
  });

  it("MultiHash is the V2 hash of each component, concatenated", () => {
    expect(effectivePartitionKey(["redmond", 5.5], MULTI)).toBe(
      "22E342F38A486A088463DFF7838A5963" + "0E2EE47829D1AF775EEFB6540FD1D0ED",
    );
  });

  it("a hierarchical prefix covers the EPKs that start with its hashes", () => {
    expect(prefixRange(["redmond"], MULTI)).toEqual({
      min: "22E342F38A486A088463DFF7838A5963",
      max: "22E342F38A486A088463DFF7838A5963FF",
    });
  });
});
