import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartitionKeyDefinitionVersion, PartitionKeyKind } from "@azure/cosmos";
import { describeContainer } from "../../src/workbook/container-info";
import { startTestEmulator, uniqueId, type TestEmulator } from "../emulator/emulator-support";

describe("describeContainer", () => {
  let cosmos: TestEmulator;
  beforeAll(async () => {
    cosmos = await startTestEmulator();
  });
  afterAll(async () => cosmos.stop());

  it("reads the partition key and dedicated throughput back from the service", async () => {
    const { database } = await cosmos.client.databases.createIfNotExists({ id: uniqueId("db") });
    const { container } = await database.containers.createIfNotExists({
      id: "products",
      partitionKey: { paths: ["/categoryId"] },
      throughput: 500,
    });

    expect(await describeContainer(container)).toBe(
      `Container "products" in database "${database.id}": partition key /categoryId, 500 RU/s`,
    );
  });

  it("says so when a container has no throughput of its own", async () => {
    const { database } = await cosmos.client.databases.createIfNotExists({ id: uniqueId("db"), throughput: 400 });
    const { container } = await database.containers.createIfNotExists({
      id: "shared",
      partitionKey: {
        paths: ["/tenantId", "/userId"],
        kind: PartitionKeyKind.MultiHash,
        version: PartitionKeyDefinitionVersion.V2,
      },
    });

    expect(await describeContainer(container)).toBe(
      `Container "shared" in database "${database.id}": partition key /tenantId, /userId, ` +
        "no dedicated throughput (serverless or shared)",
    );
  });
});
