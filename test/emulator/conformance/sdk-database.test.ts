/**
 * Conformance: the scenarios of @azure/cosmos's own `test/public/functional/database.spec.ts`
 * (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos), rewritten for the embedded emulator.
 */
import type { DatabaseDefinition } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { statusOf, uniqueId, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

describe("database CRUD", () => {
  it("creates, lists, queries and deletes a database by name; reading it afterwards is 404", async () => {
    const { client } = env;
    const { resources: before } = await client.databases.readAll().fetchAll();
    expect(Array.isArray(before)).toBe(true);

    const definition = { id: uniqueId("database test database"), throughput: 400 };
    const { resource: db } = await client.databases.create(definition);
    expect(db?.id).toBe(definition.id);

    const { resources: after } = await client.databases.readAll().fetchAll();
    expect(after.length).toBe(before.length + 1);

    const { resources: found } = await client.databases
      .query({ query: "SELECT * FROM root r WHERE r.id=@id", parameters: [{ name: "@id", value: definition.id }] })
      .fetchAll();
    expect(found.length).toBeGreaterThan(0);

    await client.database(definition.id).delete();
    expect(await statusOf(client.database(definition.id).read())).toBe(404);
  });

  it("createIfNotExists creates a database that does not exist", async () => {
    const def: DatabaseDefinition = { id: uniqueId("does not exist") };
    const { database } = await env.client.databases.createIfNotExists(def);
    expect((await database.read()).resource?.id).toBe(def.id);
  });

  it("createIfNotExists returns a database that exists", async () => {
    const def: DatabaseDefinition = { id: uniqueId("does  exist") };
    await env.client.databases.create(def);
    const { database } = await env.client.databases.createIfNotExists(def);
    expect((await database.read()).resource?.id).toBe(def.id);
  });
});

describe("id validation (the SDK refuses before sending)", () => {
  const cases: Array<[string, string]> = [
    ["id_ends_with_space ", "Id ends with a space."],
    ["id_with_illegal/_char", "Id contains illegal chars."],
    ["id_with_illegal\\_char", "Id contains illegal chars."],
    ["id_with_illegal?_?char", "Id contains illegal chars."],
    ["id_with_illegal#_char", "Id contains illegal chars."],
  ];
  it.each(cases)("refuses %j", async (id, message) => {
    await expect(env.client.databases.create({ id })).rejects.toMatchObject({ message });
  });
});

describe("database.readOffer", () => {
  it("returns an undefined resource for a database without shared throughput", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("has offer db1") });
    const offer = await database.readOffer();
    expect(offer.resource).toBeUndefined();
  });

  it("returns a V2 offer for a database with shared throughput", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("has offer db2"), throughput: 500 });
    const { resource } = await database.readOffer();
    expect(resource?.offerVersion).toBe("V2");
  });
});

describe("database.create with autoscale", () => {
  it("keeps maxThroughput in the offer's autopilot settings", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("autoscale db"), maxThroughput: 50000 });
    const { resource: offer } = await database.readOffer();
    expect(offer?.content?.offerAutopilotSettings?.maxThroughput).toBe(50000);
  });

  it("refuses maxThroughput together with throughput", async () => {
    // The SDK refuses it before any request is sent.
    await expect(
      env.client.databases.create({ id: uniqueId("autoscale db"), throughput: 400, maxThroughput: 4000 }),
    ).rejects.toThrow("Cannot specify `throughput` with `maxThroughput`");
  });
});
