/**
 * `labSettings` and `openLab` with the real @azure/cosmos client over HTTPS against the embedded
 * emulator: the settings build a working client and never print the key; `openLab` names the step
 * to run first until step 1's database and container exist, and then returns them.
 */
import { inspect } from "node:util";
import { CosmosClient } from "@azure/cosmos";
import { afterAll, describe, expect, it } from "vitest";
import { closeConnections, connect, prepareContainer } from "../../src/workbook/client";
import { loadConfig } from "../../src/workbook/config";
import { labSettings, openLab, StepOrderError } from "../../src/workbook/lab";

afterAll(async () => {
  await closeConnections();
});

describe("labSettings", () => {
  it("builds a CosmosClient that reaches the embedded emulator over verified TLS", async () => {
    const settings = await labSettings();
    const client = new CosmosClient({ endpoint: settings.endpoint, ...settings.credential, agent: settings.agent });
    try {
      const { resource } = await client.getDatabaseAccount();
      expect(resource?.writableLocations.length).toBeGreaterThan(0);
    } finally {
      client.dispose();
    }
    expect(settings).toMatchObject({
      databaseId: "cosmicworks",
      containerId: "products",
      partitionKeyPath: "/categoryId",
      throughput: 400,
    });
    expect(settings.description).toBe(`embedded emulator at ${settings.endpoint} (data kept in memory)`);
  });

  it("prints the credential as [redacted] however it is printed, yet spreads the key", async () => {
    const settings = await labSettings();
    const key = (settings.credential as { key: string }).key;
    expect(key.length).toBeGreaterThan(20);
    for (const printed of [inspect(settings), JSON.stringify(settings), String(settings.credential)]) {
      expect(printed).not.toContain(key);
      expect(printed).toContain("[redacted]");
    }
    expect(Object.keys({ ...settings.credential })).toEqual(["key"]);
  });
});

describe("openLab", () => {
  it("says in one line to run step 1 first while the container is missing", async () => {
    const error = await openLab().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StepOrderError);
    expect((error as Error).message).toMatch(
      /^Run step 1 first: it creates the container "products" in the database "cosmicworks", which does not exist yet on embedded emulator at https:\/\/127\.0\.0\.1:\d+\/ \(data kept in memory\)\.$/,
    );
  });

  it("returns the client, database and container once step 1 created them", async () => {
    const connection = await connect(loadConfig());
    await prepareContainer(connection);
    const lab = await openLab();
    expect(lab.client).toBe(connection.client);
    expect([lab.database.id, lab.container.id]).toEqual(["cosmicworks", "products"]);
    const { resource } = await lab.container.read();
    expect(resource?.partitionKey?.paths).toEqual(["/categoryId"]);
  });
});
