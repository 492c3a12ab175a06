/**
 * The engine's semantics where the service's differ from JavaScript's or from ANSI SQL:
 * undefined against null, the type order of ORDER BY, comparisons across types, projections that
 * drop undefined; and its paging, errors and time budget.
 */
import { describe, expect, it } from "vitest";
import { CosmosError } from "../../../src/emulator/cosmos-error";
import { runQuery, type QueryLimits } from "../../../src/emulator/query/sql-query";

const mixed = [
  { id: "string", v: "b" },
  { id: "number", v: 2 },
  { id: "null", v: null },
  { id: "true", v: true },
  { id: "missing" },
  { id: "false", v: false },
  { id: "float", v: 1.5 },
  { id: "array", v: [1] },
  { id: "object", v: { a: 1 } },
].map((item, index) => ({ ...item, _rid: `r${index}` }));

const run = (query: string, parameters: { name: string; value: unknown }[] = []) =>
  runQuery(mixed, { query, parameters }, undefined, undefined).results;

const statusOf = (action: () => unknown): { status: number; message: string } => {
  try {
    action();
  } catch (error) {
    if (error instanceof CosmosError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error("expected a CosmosError");
};

describe("undefined, null and types", () => {
  it("ORDER BY ranks undefined < null < false < true < numbers < strings < arrays < objects", () => {
    expect(run("SELECT VALUE c.id FROM c ORDER BY c.v")).toEqual([
      "missing",
      "null",
      "false",
      "true",
      "float",
      "number",
      "string",
      "array",
      "object",
    ]);
    expect(run("SELECT VALUE c.id FROM c ORDER BY c.v DESC")[0]).toBe("object");
  });

  it("a comparison across types is undefined, so neither it nor its negation passes", () => {
    expect(run("SELECT VALUE c.id FROM c WHERE c.v > 1")).toEqual(["number", "float"]);
    expect(run("SELECT VALUE c.id FROM c WHERE NOT (c.v > 1)")).toEqual([]);
    expect(run(`SELECT VALUE c.id FROM c WHERE c.v = "b"`)).toEqual(["string"]);
    expect(run(`SELECT VALUE c.id FROM c WHERE c.v != "b"`)).toEqual([]);
  });

  it("null equals null, undefined equals nothing, and IS_DEFINED tells them apart", () => {
    expect(run("SELECT VALUE c.id FROM c WHERE c.v = null")).toEqual(["null"]);
    expect(run("SELECT VALUE c.id FROM c WHERE c.v = undefined")).toEqual([]);
    expect(run("SELECT VALUE c.id FROM c WHERE NOT IS_DEFINED(c.v)")).toEqual(["missing"]);
  });

  it("a projection drops undefined properties, and SELECT VALUE drops undefined rows", () => {
    expect(run(`SELECT c.id, c.v FROM c WHERE c.id IN ("missing", "null")`)).toEqual([
      { id: "null", v: null },
      { id: "missing" },
    ]);
    expect(run("SELECT VALUE c.v FROM c WHERE c.id IN ('missing', 'null')")).toEqual([null]);
  });

  it("integers and floats compare as numbers; arithmetic on other types is undefined", () => {
    expect(run("SELECT VALUE c.v * 2 FROM c WHERE IS_NUMBER(c.v)")).toEqual([4, 3]);
    expect(run(`SELECT VALUE { sum: "a" + 1, concat: "a" || "b", ratio: 7 / 2, byZero: 1 / 0 }`)).toEqual([
      { concat: "ab", ratio: 3.5 },
    ]);
  });

  it("?? takes the right side only when the left is undefined; the ternary needs true", () => {
    expect(run(`SELECT VALUE c.v ?? "none" FROM c WHERE c.id IN ("missing", "null")`)).toEqual([null, "none"]);
    expect(run(`SELECT VALUE (c.v ? "yes" : "no") FROM c WHERE c.id IN ("true", "number")`)).toEqual(["no", "yes"]);
  });

  it("aggregates skip undefined; SUM over a non-number is undefined", () => {
    expect(run("SELECT VALUE COUNT(c.v) FROM c")).toEqual([8]);
    expect(run("SELECT VALUE SUM(c.v) FROM c WHERE IS_NUMBER(c.v)")).toEqual([3.5]);
    expect(run("SELECT VALUE SUM(c.v) FROM c")).toEqual([]);
    expect(run("SELECT VALUE MAX(c.v) FROM c WHERE IS_PRIMITIVE(c.v)")).toEqual(["b"]);
    expect(run("SELECT VALUE COUNT(1) FROM c WHERE false")).toEqual([0]);
  });

  it("parameters stand for values", () => {
    expect(run("SELECT VALUE c.id FROM c WHERE c.v = @v", [{ name: "@v", value: 2 }])).toEqual(["number"]);
  });
});

describe("mistakes", () => {
  it("a syntax error is a 400 that points at the token", () => {
    expect(statusOf(() => run("SELECT * frm c"))).toEqual({
      status: 400,
      message: "Syntax error, incorrect syntax near 'frm'.",
    });
  });

  it("an unknown function, a wrong argument count and a missing parameter are 400s that name them", () => {
    expect(statusOf(() => run("SELECT VALUE NOPE(1)"))).toEqual({
      status: 400,
      message: "'NOPE' is not a recognized built-in function name.",
    });
    expect(statusOf(() => run("SELECT VALUE UPPER(1, 2)"))).toEqual({
      status: 400,
      message: "The UPPER function requires 1 argument(s).",
    });
    expect(statusOf(() => run("SELECT VALUE c.id FROM c WHERE c.v = @nope")).status).toBe(400);
    expect(statusOf(() => run("SELECT * FROM c JOIN t IN c.v")).message).toBe(
      "'SELECT *' is only valid with a single input set.",
    );
  });
});

describe("pages", () => {
  const many = Array.from({ length: 25 }, (_, index) => ({ id: String(index), tags: ["a", "b"], _rid: `m${index}` }));

  const allPages = (query: string, pageSize: number): unknown[][] => {
    const pages: unknown[][] = [];
    let continuation: string | undefined;
    do {
      const page = runQuery(many, { query }, pageSize, continuation);
      pages.push(page.results);
      continuation = page.continuation;
    } while (continuation !== undefined);
    return pages;
  };

  it("a streaming query resumes inside a JOIN's rows", () => {
    const pages = allPages("SELECT VALUE c.id || t FROM c JOIN t IN c.tags", 3);
    expect(pages.flat()).toHaveLength(50);
    expect(pages[0]).toEqual(["0a", "0b", "1a"]);
    expect(pages[1]).toEqual(["1b", "2a", "2b"]);
  });

  it("ORDER BY, TOP and OFFSET/LIMIT page over the whole result", () => {
    expect(allPages("SELECT VALUE c.id FROM c ORDER BY c.id DESC OFFSET 1 LIMIT 4", 3)).toEqual([
      ["8", "7", "6"],
      ["5"],
    ]);
    expect(allPages("SELECT TOP 4 VALUE c.id FROM c", 2)).toEqual([
      ["0", "1"],
      ["2", "3"],
    ]);
  });

  it("a token this engine did not issue is refused", () => {
    expect(statusOf(() => runQuery(many, { query: "SELECT * FROM c" }, 2, "junk")).message).toContain(
      "Invalid Continuation Token",
    );
  });
});

describe("the time budget", () => {
  const tight: QueryLimits = { pageBudgetMs: 0 };
  const items = Array.from({ length: 3000 }, (_, index) => ({ id: String(index), _rid: `t${index}` }));

  // With a backtracking engine this pattern over 5,000 letters would not finish in a lifetime.
  it("RegexMatch runs on a linear-time engine: a catastrophic pattern for backtracking still answers", () => {
    const results = runQuery(
      [{ id: "x", text: `${"a".repeat(5000)}!`, _rid: "x" }],
      { query: "SELECT VALUE RegexMatch(c.text, '^(a+)+$') FROM c" },
      undefined,
      undefined,
    ).results;
    expect(results).toEqual([false]);
  });

  it("a streaming page stops when its budget is spent and hands back a continuation", () => {
    const page = runQuery(items, { query: "SELECT VALUE c.id FROM c" }, undefined, undefined, tight);
    expect(page.results.length).toBeLessThan(items.length);
    expect(page.continuation).toBeDefined();
  });

  it("a whole-result query that cannot finish in its budget fails with 408", () => {
    const error = statusOf(() =>
      runQuery(items, { query: "SELECT VALUE c.id FROM c ORDER BY c.id" }, undefined, undefined, tight),
    );
    expect(error.status).toBe(408);
    expect(error.message).toContain("Narrow it with a filter");
  });
});

describe("spatial predicates", () => {
  const square = (x: number, y: number, size: number) =>
    `{ "type": "Polygon", "coordinates": [[[${x}, ${y}], [${x + size}, ${y}], [${x + size}, ${y + size}], [${x}, ${y + size}], [${x}, ${y}]]] }`;

  it("ST_INTERSECTS: overlapping and crossing shapes meet, disjoint ones do not", () => {
    expect(
      run(`SELECT VALUE [ST_INTERSECTS(${square(0, 0, 2)}, ${square(1, 1, 2)}),
        ST_INTERSECTS(${square(0, 0, 1)}, ${square(5, 5, 1)}),
        ST_INTERSECTS({ "type": "LineString", "coordinates": [[-1, 0.5], [3, 0.5]] }, ${square(0, 0, 1)}),
        ST_INTERSECTS({ "type": "Point", "coordinates": [0.5, 0.5] }, ${square(0, 0, 1)})]`),
    ).toEqual([[true, false, true, true]]);
  });

  it("a point inside a polygon is at distance 0 from it; an unclosed ring is not valid", () => {
    expect(run(`SELECT VALUE ST_DISTANCE({ "type": "Point", "coordinates": [0.5, 0.5] }, ${square(0, 0, 1)})`)).toEqual(
      [0],
    );
    expect(
      run(`SELECT VALUE ST_ISVALIDDETAILED({ "type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]] })`),
    ).toEqual([
      { valid: false, reason: "The polygon's ring must be closed: its first and last positions must be the same." },
    ]);
  });
});
