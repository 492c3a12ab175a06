/**
 * Request charges follow the one model of src/emulator/charges.ts: a 1 KB point read costs 1 RU,
 * writes cost about 5 RU and more for larger items, queries grow with what they scan, and a batch
 * header is the sum of its operations.
 */
import type { Container } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestEmulator } from "./emulator-support";

const env = useTestEmulator();
let container: Container;

beforeAll(async () => {
  const { database } = await env.client.databases.create({ id: "charges" });
  ({ container } = await database.containers.create({ id: "items", partitionKey: { paths: ["/pk"] } }));
});

describe("request charges", () => {
  it("charges 1 RU for a point read of a small item and more for a large one", async () => {
    await container.items.create({ id: "small", pk: "a", text: "x".repeat(500) });
    await container.items.create({ id: "large", pk: "a", text: "x".repeat(10_000) });
    expect((await container.item("small", "a").read()).requestCharge).toBe(1);
    expect((await container.item("large", "a").read()).requestCharge).toBe(10);
  });

  it("charges about 5 RU for a small write, growing with the item's size", async () => {
    const small = await container.items.create({ id: "w1", pk: "b", text: "x".repeat(700) });
    const large = await container.items.create({ id: "w2", pk: "b", text: "x".repeat(50_000) });
    expect(small.requestCharge).toBeGreaterThanOrEqual(5);
    expect(small.requestCharge).toBeLessThan(7);
    expect(large.requestCharge).toBeGreaterThan(small.requestCharge + 30);
  });

  it("charges a query by what it scans and returns, the same every time", async () => {
    for (let i = 0; i < 20; i++) await container.items.create({ id: `q${i}`, pk: "c", n: i });
    const narrow = await container.items.query("SELECT * FROM c WHERE c.n = 1", { partitionKey: "c" }).fetchAll();
    const wide = await container.items.query("SELECT * FROM c", { partitionKey: "c" }).fetchAll();
    const again = await container.items.query("SELECT * FROM c", { partitionKey: "c" }).fetchAll();
    expect(wide.requestCharge).toBeGreaterThan(narrow.requestCharge);
    expect(again.requestCharge).toBe(wide.requestCharge);
  });

  it("reports the sum of the operations as a batch's charge", async () => {
    const response = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "s1", pk: "d", text: "x".repeat(2500) } },
        { operationType: "Read", id: "s1" },
      ],
      "d",
    );
    const [create, read] = response.result ?? [];
    expect(read?.requestCharge).toBe(3); // about 2.6 KB with system properties: three started KB
    expect(Number(response.headers["x-ms-request-charge"])).toBeCloseTo(
      (create?.requestCharge ?? 0) + (read?.requestCharge ?? 0),
      5,
    );
  });
});
