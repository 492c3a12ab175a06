/**
 * The lab's flow through the real SDK: createIfNotExists for the database and container, a batch
 * of two creates that commits, and the errant batch (a helmet filed under the wrong category) that
 * comes back 207 with [424, 400] and commits nothing.
 */
import type { Container, OperationInput } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { labProducts, useTestEmulator } from "./emulator-support";

const BIKE_PARTS = "9603ca6c-9e28-4a02-9194-51cdb7fea816";
const HELMETS = "0feee2e4-687a-4d69-b64e-be36afc33e74";

describe("the lab's transactional batches", () => {
  const env = useTestEmulator();
  let container: Container;

  beforeAll(async () => {
    container = await labProducts(env.client);
  });

  it("creates the database and container once, and finds them on the second call", async () => {
    const again = await env.client.databases.createIfNotExists({ id: "cosmicworks" });
    expect(again.statusCode).toBe(200);
    const containerAgain = await again.database.containers.createIfNotExists({
      id: "products",
      partitionKey: { paths: ["/categoryId"] },
    });
    expect(containerAgain.statusCode).toBe(200);
    expect(containerAgain.resource?.partitionKey).toEqual({ paths: ["/categoryId"], kind: "Hash", version: 2 });
  });

  it("commits the saddle and the handlebar together (200, [201, 201])", async () => {
    const operations: OperationInput[] = [
      { operationType: "Create", resourceBody: { id: "0120", name: "Worn Saddle", categoryId: BIKE_PARTS } },
      { operationType: "Create", resourceBody: { id: "012A", name: "Rusty Handlebar", categoryId: BIKE_PARTS } },
    ];
    const response = await container.items.batch(operations, BIKE_PARTS);
    expect(response.code).toBe(200);
    expect(response.result?.map((r) => r.statusCode)).toEqual([201, 201]);
    const charges = response.result?.map((r) => r.requestCharge) ?? [];
    expect(Number(response.headers["x-ms-request-charge"])).toBeCloseTo(
      charges.reduce((a, b) => a + b, 0),
      5,
    );
    const { resource } = await container.item("012A", BIKE_PARTS).read();
    expect(resource?.name).toBe("Rusty Handlebar");
  });

  it("rolls back the light when the helmet names another category (207, [424, 400])", async () => {
    const operations: OperationInput[] = [
      { operationType: "Create", resourceBody: { id: "012B", name: "Flickering Bike Light", categoryId: BIKE_PARTS } },
      { operationType: "Create", resourceBody: { id: "012C", name: "Cracked Bike Helmet", categoryId: HELMETS } },
    ];
    const response = await container.items.batch(operations, BIKE_PARTS);
    expect(response.code).toBe(207);
    expect(response.result?.map((r) => r.statusCode)).toEqual([424, 400]);
    expect((await container.item("012B", BIKE_PARTS).read()).statusCode).toBe(404);
    expect((await container.item("012C", HELMETS).read()).statusCode).toBe(404);
  });
});
