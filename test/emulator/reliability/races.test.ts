/**
 * Racing clients on shared ids, over real HTTPS with separate SDK clients (separate connections),
 * with the invariants checked afterwards: one winner per create, no lost update under ETags, and
 * counters that add up to the increments acknowledged.
 */
import type { Container } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { freshContainer, useTestEmulator, type TestEmulator } from "../emulator-support";

const CLIENTS = 6;
const ROUNDS = 15;

const statusOf = (promise: Promise<{ statusCode: number }>): Promise<number> =>
  promise.then(
    (response) => response.statusCode,
    (error: { code?: number }) => error.code ?? -1,
  );

function containers(env: TestEmulator, container: Container): Container[] {
  return Array.from({ length: CLIENTS }, () =>
    env.clientWith({}).database(container.database.id).container(container.id),
  );
}

describe("racing clients on shared ids", () => {
  const env = useTestEmulator();

  it("exactly one create of a contested id wins (201), every other gets 409", async () => {
    const container = await freshContainer(env.client, "race", { partitionKey: { paths: ["/pk"] } });
    const racers = containers(env, container);
    for (let round = 0; round < ROUNDS; round++) {
      const statuses = await Promise.all(
        racers.map((c, i) => statusOf(c.items.create({ id: `prize-${round}`, pk: "p", by: i }))),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(CLIENTS - 1);
    }
  });

  it("loses no update under optimistic concurrency: the history holds exactly the acknowledged replaces", async () => {
    const container = await freshContainer(env.client, "race", { partitionKey: { paths: ["/pk"] } });
    await container.items.create({ id: "doc", pk: "p", writes: [] as number[] });
    const racers = containers(env, container);
    const winners: number[] = [];
    await Promise.all(
      racers.map(async (c, i) => {
        for (let round = 0; round < ROUNDS; round++) {
          const { resource, etag } = await c.item("doc", "p").read<{ id: string; pk: string; writes: number[] }>();
          if (!resource) throw new Error("the contested item vanished");
          const next = { ...resource, writes: [...resource.writes, i * 1000 + round] };
          const status = await statusOf(
            c.item("doc", "p").replace(next, { accessCondition: { type: "IfMatch", condition: etag } }),
          );
          if (status === 200) winners.push(i * 1000 + round);
          else expect(status).toBe(412);
        }
      }),
    );
    const { resource } = await container.item("doc", "p").read<{ writes: number[] }>();
    // Every acknowledged replace is in the history, in some order, and nothing else is.
    expect([...(resource?.writes ?? [])].sort()).toEqual([...winners].sort());
  });

  it("counters add up: the final value is the number of increments acknowledged", async () => {
    const container = await freshContainer(env.client, "race", { partitionKey: { paths: ["/pk"] } });
    await container.items.create({ id: "counter", pk: "p", n: 0 });
    const racers = containers(env, container);
    let acknowledged = 0;
    await Promise.all(
      racers.map(async (c) => {
        for (let round = 0; round < ROUNDS; round++) {
          const batch = await c.items.batch(
            [
              {
                operationType: "Patch",
                id: "counter",
                resourceBody: { operations: [{ op: "incr", path: "/n", value: 1 }] },
              },
            ],
            "p",
          );
          expect(batch.code).toBe(200);
          acknowledged += 1;
        }
      }),
    );
    const { resource } = await container.item("counter", "p").read<{ n: number }>();
    expect(resource?.n).toBe(acknowledged);
    expect(acknowledged).toBe(CLIENTS * ROUNDS);
  });
});
