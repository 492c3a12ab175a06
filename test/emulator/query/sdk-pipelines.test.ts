/**
 * Cross-partition queries through the real @azure/cosmos client with its query plan: the SDK asks
 * the emulator for the plan, sends each partition key range the rewritten query, and combines the
 * answers with its own ORDER BY, aggregate, GROUP BY, DISTINCT and OFFSET/LIMIT pipelines.
 * (Without `forceQueryPlan` the SDK sends the query as it is and, as on a container of one
 * physical partition on the service, the emulator answers it whole.)
 */
import type { Container } from "@azure/cosmos";
import { beforeAll, describe, expect, it } from "vitest";
import { errorOf, freshContainer, useTestEmulator } from "../emulator-support";

const env = useTestEmulator();

const products = [
  { id: "1", category: "helmets", name: "Alpha", price: 30 },
  { id: "2", category: "saddles", name: "Delta", price: 55.5 },
  { id: "3", category: "helmets", name: "Charlie", price: 12 },
  { id: "4", category: "lights", name: "Bravo", price: 7.25 },
  { id: "5", category: "saddles", name: "Echo" },
];

describe("cross-partition query pipelines", () => {
  let container: Container;
  beforeAll(async () => {
    container = await freshContainer(env.client, "pipelines", { partitionKey: "/category" });
    for (const product of products) await container.items.create(product);
  });

  const all = async (query: string, maxItemCount?: number): Promise<unknown[]> =>
    (
      await container.items
        .query(query, { forceQueryPlan: true, ...(maxItemCount === undefined ? {} : { maxItemCount }) })
        .fetchAll()
    ).resources;

  it("ORDER BY merges by the sort keys, undefined first, across pages", async () => {
    expect(await all("SELECT VALUE c.name FROM c ORDER BY c.price", 2)).toEqual([
      "Echo",
      "Bravo",
      "Charlie",
      "Alpha",
      "Delta",
    ]);
    expect(await all("SELECT c.id FROM c ORDER BY c.category DESC, c.name ASC")).toEqual([
      { id: "2" },
      { id: "5" },
      { id: "4" },
      { id: "1" },
      { id: "3" },
    ]);
  });

  it("aggregates combine their partial results", async () => {
    expect(await all("SELECT VALUE COUNT(1) FROM c")).toEqual([5]);
    expect(await all("SELECT VALUE SUM(c.price) FROM c")).toEqual([104.75]);
    expect(await all("SELECT VALUE AVG(c.price) FROM c WHERE c.category = 'helmets'")).toEqual([21]);
    expect(await all("SELECT VALUE MIN(c.name) FROM c")).toEqual(["Alpha"]);
    expect(await all("SELECT VALUE MAX(c.price) FROM c")).toEqual([55.5]);
  });

  it("GROUP BY groups across ranges", async () => {
    const groups = await all("SELECT c.category, COUNT(1) AS n FROM c GROUP BY c.category");
    expect(groups).toHaveLength(3);
    expect(groups).toEqual(
      expect.arrayContaining([
        { category: "helmets", n: 2 },
        { category: "saddles", n: 2 },
        { category: "lights", n: 1 },
      ]),
    );
  });

  it("DISTINCT, TOP and OFFSET/LIMIT", async () => {
    const categories = await all("SELECT DISTINCT VALUE c.category FROM c");
    expect([...categories].sort()).toEqual(["helmets", "lights", "saddles"]);
    expect(await all("SELECT TOP 2 VALUE c.name FROM c ORDER BY c.name")).toEqual(["Alpha", "Bravo"]);
    expect(await all("SELECT VALUE c.name FROM c ORDER BY c.name OFFSET 1 LIMIT 3")).toEqual([
      "Bravo",
      "Charlie",
      "Delta",
    ]);
  });

  it("a query the plan cannot serve is a 400 naming the reason", async () => {
    const error = await errorOf(all("SELECT VALUE SUM(c.price) + 1 FROM c"));
    expect(error.code).toBe(400);
    expect(error.message).toContain("Compositions of aggregates and other expressions are not allowed");
  });
});
