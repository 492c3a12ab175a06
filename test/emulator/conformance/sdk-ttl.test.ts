/**
 * Conformance: the validation scenario of @azure/cosmos's own `test/public/functional/ttl.spec.ts`
 * (Azure/azure-sdk-for-js, sdk/cosmosdb/cosmos), rewritten for the embedded emulator. Upstream's
 * expiry scenarios wait 10 to 25 seconds each; one short expiry check stands in for them here.
 */
import { StatusCodes, type ContainerDefinition } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { statusOf, uniqueId, useTestEmulator, withClockAhead } from "../emulator-support";

const env = useTestEmulator();

describe("time to live", () => {
  it("keeps a valid defaultTtl and refuses invalid ones (400)", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("ttl test1 database") });
    const { resource: created } = await database.containers.create({ id: "sample container1", defaultTtl: 5 });
    expect(created?.defaultTtl).toBe(5);

    // 0 and -10 are not valid defaultTtl values: -1 or a positive 32-bit integer are. Upstream
    // also lists null, but only checks the status if the create fails.
    const nullTtl = await statusOf(
      database.containers.create({ id: "sample container2", defaultTtl: null } as unknown as ContainerDefinition),
    );
    expect([undefined, 400]).toContain(nullTtl);
    for (const [id, defaultTtl] of [
      ["sample container3", 0],
      ["sample container4", -10],
    ] as const) {
      expect(await statusOf(database.containers.create({ id, defaultTtl })), `defaultTtl ${defaultTtl}`).toBe(400);
    }
  });

  it("refuses invalid item ttl values (400)", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("ttl test1 database") });
    const { container } = await database.containers.create({ id: "sample container1", defaultTtl: 5 });
    // null and -10 are not valid item ttl values.
    for (const [id, ttl] of [
      ["doc2", null],
      ["doc3", -10],
    ] as const) {
      expect(
        await statusOf(container.items.create({ id, name: "sample Item", key: "value", ttl: ttl as number })),
        `ttl ${ttl}`,
      ).toBe(400);
    }
  });

  it("an item's ttl overrides the container's defaultTtl; -1 never expires", async () => {
    const { database } = await env.client.databases.create({ id: uniqueId("ttl test2 database") });
    const { container } = await database.containers.create({ id: "sample container", defaultTtl: -1 });
    const { resource: forever } = await container.items.create({ id: "doc1", name: "sample Item", key: "value" });
    const { resource: explicit } = await container.items.create({
      id: "doc2",
      name: "sample Item",
      key: "value",
      ttl: -1,
    });
    const { resource: short } = await container.items.create({ id: "doc3", name: "sample Item", key: "value", ttl: 1 });
    await withClockAhead(2100, async () => {
      const gone = await container.item(short!.id, undefined).read();
      expect(gone.statusCode).toBe(StatusCodes.NotFound);
      expect(gone.resource).toBeUndefined();
      expect((await container.item(forever!.id, undefined).read()).resource?.id).toBe(forever!.id);
      expect((await container.item(explicit!.id, undefined).read()).resource?.id).toBe(explicit!.id);
    });
  });
});
