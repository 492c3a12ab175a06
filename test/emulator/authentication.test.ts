/**
 * Authentication: master-key signatures checked as the service checks them, the 15-minute clock
 * rule, JSON error bodies, and the opt-in Entra ID mode with the data-plane rule (403 / 5300).
 */
import { createHmac } from "node:crypto";
import type { CosmosClientOptions } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { errorOf, labProducts, rawRequest, statusOf, uniqueId, useTestEmulator } from "./emulator-support";

const OTHER_KEY = Buffer.alloc(64, 7).toString("base64");

/** A token shaped like a JWT; the emulator checks the shape only. */
function fakeJwt(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ oid: "00000000-0000-0000-0000-000000000001", aud: "https://cosmos.azure.com" })}.${Buffer.from("signature").toString("base64url")}`;
}
/** What the SDK calls for Entra tokens (the `TokenCredential` shape of @azure/core-auth). */
const fakeCredential: NonNullable<CosmosClientOptions["aadCredentials"]> = {
  getToken: async () => ({ token: fakeJwt(), expiresOnTimestamp: Date.now() + 3600_000 }),
};

describe("master key", () => {
  const env = useTestEmulator();

  it("accepts the right key, through the SDK and signed by hand (a signature with '+' included)", async () => {
    const { resource } = await env.client.databases.createIfNotExists({ id: "authdb" });
    expect(resource?.id).toBe("authdb");
    // Pick a date whose signature contains '+', which URLSearchParams would turn into a space.
    const signs = (date: Date) =>
      createHmac("sha256", Buffer.from(env.emulator.key, "base64"))
        .update(`get\ndbs\ndbs/authdb\n${date.toUTCString().toLowerCase()}\n\n`)
        .digest("base64");
    let date = new Date();
    for (let offset = 1; !signs(date).includes("+"); offset += 1) date = new Date(Date.now() - offset * 1000);
    const response = await rawRequest(env.emulator, { method: "GET", path: "/dbs/authdb", date });
    expect(response.status).toBe(200);
  });

  it("refuses a wrong key with 401 and a JSON body that never contains a key", async () => {
    const wrong = env.clientWith({ key: OTHER_KEY });
    expect(await statusOf(wrong.databases.readAll().fetchAll())).toBe(401);
    const response = await rawRequest(env.emulator, { method: "GET", path: "/dbs", key: OTHER_KEY });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: "Unauthorized" });
    const text = JSON.stringify(response.body);
    expect(text).not.toContain(env.emulator.key);
    expect(text).not.toContain(OTHER_KEY);
  });

  it("refuses a request without an authorization header (401)", async () => {
    const response = await rawRequest(env.emulator, { method: "GET", path: "/dbs", key: null });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: "Unauthorized", message: expect.stringContaining("authorization") });
  });

  it("refuses a date more than 15 minutes off, either way (401), and accepts 14 minutes", async () => {
    for (const minutes of [16, -16]) {
      const response = await rawRequest(env.emulator, {
        method: "GET",
        path: "/dbs",
        date: new Date(Date.now() - minutes * 60_000),
      });
      expect(response.status).toBe(401);
    }
    const fine = await rawRequest(env.emulator, {
      method: "GET",
      path: "/dbs",
      date: new Date(Date.now() - 14 * 60_000),
    });
    expect(fine.status).toBe(200);
  });

  it("refuses a signature made for another resource (401)", async () => {
    const response = await rawRequest(env.emulator, { method: "GET", path: "/dbs/authdb", resourceLink: "dbs/other" });
    expect(response.status).toBe(401);
  });

  it("refuses Entra tokens unless started with key-and-entra (401)", async () => {
    const entra = env.clientWith({ key: undefined, aadCredentials: fakeCredential });
    expect(await statusOf(entra.database("authdb").read())).toBe(401);
  });
});

describe("Entra ID mode (key-and-entra)", () => {
  const env = useTestEmulator({ auth: "key-and-entra" });
  beforeAll(async () => {
    await labProducts(env.client);
  });

  it("lets an Entra identity work with items, but not create databases or containers (403, sub-status 5300)", async () => {
    const entra = env.clientWith({ key: undefined, aadCredentials: fakeCredential });
    const container = entra.database("cosmicworks").container("products");
    const category = uniqueId("cat");
    const created = await container.items.create({ id: "e1", categoryId: category });
    expect(created.statusCode).toBe(201);
    const batch = await container.items.batch(
      [{ operationType: "Create", resourceBody: { id: "e2", categoryId: category } }],
      category,
    );
    expect(batch.code).toBe(200);

    const error = await errorOf(entra.databases.create({ id: uniqueId("denied") }));
    expect(error.code).toBe(403);
    expect(error.substatus).toBe(5300);
    expect(error.message).toMatch(/cannot be authorized by AAD token in data plane/);
    expect(
      await statusOf(
        entra.database("cosmicworks").containers.create({ id: "other", partitionKey: { paths: ["/id"] } }),
      ),
    ).toBe(403);
    expect(await statusOf(entra.database("cosmicworks").container("products").delete())).toBe(403);
    // The lab's createIfNotExists works for an Entra identity once the resources exist.
    const existing = await entra.databases.createIfNotExists({ id: "cosmicworks" });
    expect(existing.statusCode).toBe(200);
  });

  it("refuses a token that is not shaped like a JWT (401)", async () => {
    const response = await rawRequest(env.emulator, {
      method: "GET",
      path: "/dbs",
      key: null,
      headers: { authorization: "type=aad&ver=1.0&sig=not-a-token" },
    });
    expect(response.status).toBe(401);
  });
});
