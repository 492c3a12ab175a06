/**
 * Hostile input against every route of the table: malformed and wrongly typed JSON, deep nesting,
 * random JSON (fast-check), oversized bodies and headers, odd ids and path traversal, plain HTTP
 * on the TLS port. Curated inputs get exact statuses; nothing ever gets a 500, and every error
 * carries the JSON body `{ code, message }` the SDK needs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Route } from "../../../src/emulator/http/server";
import { rawRequest, useTestEmulator, type RawResponse } from "../emulator-support";
import { overPlainTcp, overTls, requestHead, signedHeaders } from "./raw-client";
import {
  allRoutes,
  concretePath,
  newFixture,
  readsBody,
  routeName,
  selectingHeaders,
  signedAs,
  type Fixture,
} from "./route-fixtures";

/** Inputs no route may take: each gets 400 on a route that reads a body. */
const MALFORMED: [string, string][] = [
  ["truncated JSON", '{"id":'],
  ["trailing garbage", '{"id":"x"} tail'],
  ["a lone string", '"text"'],
  ["null", "null"],
  ["a number", "42"],
  ["an object whose toString is not a function", '{"toString":1}'],
  ["an id of {toString:1}", '{"id":{"toString":1},"pk":"p"}'],
  ["operations of {toString:1}", '{"operations":{"toString":1}}'],
  ["a query of {toString:1}", '{"query":{"toString":1}}'],
  ["content as a string", '{"content":"text"}'],
  ["5,000 levels of nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
];

/** Batch and bulk take a JSON array: an array of junk operations fails per operation (207), not as a whole. */
const JUNK_OPERATIONS = '[1,"x",null,{"operationType":{"toString":1}},{"operationType":"Create"}]';

function expectCosmosError(response: RawResponse, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

describe("hostile bodies against every route", () => {
  const env = useTestEmulator();
  let tried = 0;

  async function send(route: Route, fixture: Fixture, body: string | undefined): Promise<RawResponse> {
    tried += 1;
    const headers = { ...selectingHeaders(route) };
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    return rawRequest(env.emulator, {
      method: route.method,
      path: concretePath(route, fixture),
      headers,
      ...signedAs(route, fixture),
      ...(body === undefined ? {} : { body }),
    });
  }

  for (const route of allRoutes) {
    it(`${routeName(route)}: exact statuses for malformed input, never a 500 for random JSON`, async () => {
      const destructive = route.method === "DELETE";
      let fixture = await newFixture(env);
      const baseline = (await send(route, fixture, undefined)).status;
      expect(baseline).toBeLessThan(500);
      for (const [, body] of MALFORMED) {
        if (destructive) fixture = await newFixture(env);
        const response = await send(route, fixture, body);
        if (route.method === "PUT" && route.path === "/dbs/:db") expectCosmosError(response, 405);
        else if (readsBody(route)) expectCosmosError(response, 400);
        // A route that takes no body ignores one: the answer is the one it gives without.
        else expect(response.status, JSON.stringify(response.body)).toBe(baseline);
      }
      if (route.path.endsWith("/docs") && route.method === "POST" && /Batch|Bulk/.test(route.when?.name ?? "")) {
        const junk = await send(route, fixture, JUNK_OPERATIONS);
        expect(junk.status).toBe(207);
        expect((junk.body as { statusCode: number }[]).map((r) => r.statusCode)).toEqual(
          /Bulk/.test(route.when?.name ?? "") ? [400, 400, 400, 400, 400] : [400, 424, 424, 424, 424],
        );
      }
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
          if (destructive) fixture = await newFixture(env);
          const response = await send(route, fixture, JSON.stringify(value));
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.body).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          }
        }),
        { numRuns: destructive ? 4 : 12, seed: 11 },
      );
    });
  }

  it("counts what it tried", () => {
    console.log(`hostile bodies tried: ${tried} requests over ${allRoutes.length} routes`);
    expect(tried).toBeGreaterThan(allRoutes.length * MALFORMED.length);
  });
});

describe("odd ids and path traversal", () => {
  const env = useTestEmulator();

  it("stores and reads back ids with ? % ' and non-ASCII through the SDK", async () => {
    const fixture = await newFixture(env);
    const container = env.client.database(fixture.db).container(fixture.coll);
    for (const id of ["a?b", "50%", "100%25", "it's", "naïve", "日本語", "emoji 😀", "tab\there", "trailing "]) {
      expect((await container.items.create({ id, pk: "p" })).statusCode).toBe(201);
      expect((await container.item(id, "p").read()).resource?.id).toBe(id);
    }
  });

  it("refuses item ids with / \\ or # (400), as the service does", async () => {
    const fixture = await newFixture(env);
    for (const id of ["a/b", "a\\b", "a#b"]) {
      const response = await rawRequest(env.emulator, {
        method: "POST",
        path: `/dbs/${fixture.db}/colls/${fixture.coll}/docs`,
        headers: { "x-ms-documentdb-partitionkey": '["p"]' },
        body: { id, pk: "p" },
      });
      expectCosmosError(response, 400);
    }
  });

  it("answers traversal and broken escapes with 404 or 400, never a file or a 500", async () => {
    const fixture = await newFixture(env);
    // Sent as written (a URL object would resolve the dot segments before they leave).
    const cases: [string, string, string, number][] = [
      ["/../../etc/passwd", "etc", "../../etc/passwd", 404],
      [`/dbs/${fixture.db}/colls/../colls`, "colls", `dbs/${fixture.db}/colls/..`, 404],
      ["/dbs/%2e%2e/colls", "colls", "dbs/..", 404],
      [
        `/dbs/${fixture.db}/colls/${fixture.coll}/docs/..%2f..`,
        "docs",
        `dbs/${fixture.db}/colls/${fixture.coll}/docs/../..`,
        404,
      ],
      ["/dbs/%zz", "dbs", "%zz", 400],
      ["/dbs/%", "dbs", "%", 400],
    ];
    for (const [path, resourceType, resourceLink, status] of cases) {
      const headers = {
        ...signedHeaders(env.emulator, "GET", resourceType, resourceLink),
        "x-ms-documentdb-partitionkey": '["p"]',
      };
      const answer = await overTls(env.emulator, (socket) => {
        socket.write(requestHead("GET", path, { ...headers, connection: "close" }));
      });
      expect(answer.status, `${path}: ${answer.text}`).toBe(status);
      expect(answer.text).toMatch(/"code":"(NotFound|BadRequest)","message":/);
    }
  });
});

describe("oversized requests and odd transports", () => {
  const env = useTestEmulator();

  it("refuses a body over 4 MB with 413 as soon as it passes the limit, with or without Content-Length", async () => {
    const big = "x".repeat(4 * 1024 * 1024 + 1);
    const declared = await rawRequest(env.emulator, { method: "POST", path: "/dbs", body: big });
    expectCosmosError(declared, 413);
    const chunked = await overTls(env.emulator, async (socket) => {
      const headers = { ...signedHeaders(env.emulator, "POST", "dbs", ""), "transfer-encoding": "chunked" };
      socket.write(requestHead("POST", "/dbs", headers));
      const chunk = "y".repeat(1024 * 1024);
      for (let i = 0; i < 5 && !socket.destroyed; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    });
    expect(chunked.status).toBe(413);
  });

  it("answers headers over 16 KB with 431 and a JSON body", async () => {
    const answer = await overTls(env.emulator, (socket) => {
      socket.write(
        requestHead("GET", "/dbs", { ...signedHeaders(env.emulator, "GET", "dbs", ""), "x-big": "z".repeat(20_000) }),
      );
    });
    expect(answer.status).toBe(431);
    expect(answer.text).toContain('"code":"RequestHeaderFieldsTooLarge"');
  });

  it("closes a plain-HTTP connection to the TLS port at once and keeps serving HTTPS", async () => {
    const plain = await overPlainTcp(env.emulator, (socket) => {
      socket.write("GET /dbs HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
    });
    expect(plain.status).toBeUndefined(); // no HTTP answer over a connection that never spoke TLS
    expect(plain.ended).not.toBe("waited");
    expect((await env.client.databases.readAll().fetchAll()).resources).toBeInstanceOf(Array);
  });

  it("answers garbage that is not HTTP with 400 and a JSON body", async () => {
    const answer = await overTls(env.emulator, (socket) => {
      socket.write("\u0000\u0001 NOT HTTP AT ALL\r\n\r\n");
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain("The request is not valid HTTP/1.1.");
  });
});
