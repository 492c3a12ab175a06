/**
 * The authentication matrix: every route of the table against every way a client can get
 * authorization wrong, in key mode and in Entra mode. A bad credential is 401 on every route, an
 * Entra identity managing databases or containers is 403 / 5300, and nothing else answers 401.
 */
import { describe, expect, it } from "vitest";
import type { Route } from "../../../src/emulator/http/server";
import { rawRequest, useTestEmulator, type TestEmulator } from "../emulator-support";
import {
  allRoutes,
  concretePath,
  newFixture,
  routeName,
  selectingHeaders,
  signedAs,
  type Fixture,
} from "./route-fixtures";

const OTHER_KEY = Buffer.alloc(64, 3).toString("base64");
const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);
const jwt = (claims: object) => `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.${part({ s: 1 })}`;

/** Each wrong credential: headers replacing the signed ones, or the signing key/date to use. */
const WRONG: { name: string; key?: string | null; date?: Date; authorization?: string }[] = [
  { name: "no authorization header", key: null },
  { name: "a wrong key", key: OTHER_KEY },
  { name: "a date 16 minutes old", date: new Date(Date.now() - 16 * 60_000) },
  { name: "a header that is not URL-encoded right", authorization: "type%3Dmaster%26ver%3D1.0%26sig%3D%zz" },
  { name: "no signature", authorization: encodeURIComponent("type=master&ver=1.0") },
  { name: "an unknown type", authorization: encodeURIComponent("type=resource&ver=1.0&sig=abc") },
  { name: "random bytes", authorization: "\u00ff\u00fe garbage" },
  { name: "a signature of the wrong length", authorization: encodeURIComponent("type=master&ver=1.0&sig=AAAA") },
];

async function statusWith(
  env: TestEmulator,
  route: Route,
  credential: (typeof WRONG)[number] | "right" | { entra: string },
  given?: Fixture,
): Promise<number> {
  // A refused request changes nothing, so those can share one fixture; the others get their own.
  const fixture = given ?? (await newFixture(env));
  const headers = selectingHeaders(route);
  const body = ["POST", "PUT", "PATCH"].includes(route.method) ? {} : undefined;
  const base = { method: route.method, path: concretePath(route, fixture), ...signedAs(route, fixture), body };
  if (credential === "right") return (await rawRequest(env.emulator, { ...base, headers })).status;
  if ("entra" in credential) {
    return (
      await rawRequest(env.emulator, {
        ...base,
        key: null,
        headers: { ...headers, authorization: `type=aad&ver=1.0&sig=${credential.entra}` },
      })
    ).status;
  }
  // A hand-written authorization header replaces the signed one (key: null stops the signing).
  const replaced: Record<string, string> =
    credential.authorization === undefined ? {} : { authorization: credential.authorization };
  const key = credential.authorization === undefined ? credential.key : null;
  const response = await rawRequest(env.emulator, {
    ...base,
    headers: { ...headers, ...replaced },
    ...(key === undefined ? {} : { key }),
    ...(credential.date ? { date: credential.date } : {}),
  });
  return response.status;
}

describe("the authentication matrix, key mode", () => {
  const env = useTestEmulator();

  it(`answers 401 to ${WRONG.length} wrong credentials on all ${allRoutes.length} routes, and never 401 to the right one`, async () => {
    const cells: string[] = [];
    for (const route of allRoutes) {
      const fixture = await newFixture(env);
      for (const credential of WRONG) {
        const status = await statusWith(env, route, credential, fixture);
        if (status !== 401) cells.push(`${routeName(route)} with ${credential.name}: ${status}`);
      }
      const entra = await statusWith(env, route, { entra: jwt({ oid: "u", exp: now() + 3600 }) }, fixture);
      if (entra !== 401) cells.push(`${routeName(route)} with an Entra token in key mode: ${entra}`);
      expect(await statusWith(env, route, "right", fixture), routeName(route)).not.toBe(401);
    }
    expect(cells).toEqual([]);
  });
});

describe("the authentication matrix, Entra mode", () => {
  const env = useTestEmulator({ auth: "key-and-entra" });
  const valid = jwt({ oid: "u", nbf: now() - 60, exp: now() + 3600 });

  it("refuses control-plane writes (403) and lets data-plane requests through, on every route", async () => {
    for (const route of allRoutes) {
      const status = await statusWith(env, route, { entra: valid });
      if (route.controlPlane) expect(status, routeName(route)).toBe(403);
      else expect(status, routeName(route)).toBe(await statusWith(env, route, "right"));
    }
  });

  it("refuses expired, early and malformed tokens (401) on every route", async () => {
    const tokens = [
      jwt({ oid: "u", exp: now() - 3600 }),
      jwt({ oid: "u", nbf: now() + 3600 }),
      "not.a.jwt!",
      `${part({ alg: "none" })}.${Buffer.from("not json").toString("base64url")}.sig`,
    ];
    for (const route of allRoutes) {
      const fixture = await newFixture(env);
      for (const token of tokens) {
        expect(await statusWith(env, route, { entra: token }, fixture), routeName(route)).toBe(401);
      }
    }
  });
});
