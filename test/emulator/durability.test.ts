/**
 * Persistence and concurrency: acknowledged writes survive a restart and a `kill -9`, a torn last
 * journal line is ignored, and concurrent batches racing for one id leave exactly one winner and
 * nothing of the losers.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import type { OperationInput } from "@azure/cosmos";
import { afterAll, describe, expect, it } from "vitest";
import { WELL_KNOWN_EMULATOR_KEY } from "../../src/emulator/index";
import { labProducts, startTestEmulator, uniqueId, useTestEmulator } from "./emulator-support";
import { startEmulatorProcess, type EmulatorProcess } from "./reliability/emulator-process";

const CATEGORY = "9603ca6c-9e28-4a02-9194-51cdb7fea816";

describe("persistence with dataPath", () => {
  const dataPath = mkdtempSync(path.join(tmpdir(), "emulator-data-"));
  afterAll(() => rmSync(dataPath, { recursive: true, force: true }));

  it("keeps databases, containers, offers, items and committed batches across a restart; failed batches leave nothing", async () => {
    const first = await startTestEmulator({ dataPath });
    const container = await labProducts(first.client);
    await container.items.create({ id: "single", categoryId: CATEGORY, name: "Worn Saddle" });
    await container.item("single", CATEGORY).patch([{ op: "set", path: "/name", value: "Patched Saddle" }]);
    const committed = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "b1", categoryId: CATEGORY } },
        { operationType: "Create", resourceBody: { id: "b2", categoryId: CATEGORY } },
      ],
      CATEGORY,
    );
    expect(committed.code).toBe(200);
    const failed = await container.items.batch(
      [
        { operationType: "Create", resourceBody: { id: "never", categoryId: CATEGORY } },
        { operationType: "Create", resourceBody: { id: "b1", categoryId: CATEGORY } },
      ],
      CATEGORY,
    );
    expect(failed.code).toBe(207);
    await container.items.create({ id: "deleted", categoryId: CATEGORY });
    await container.item("deleted", CATEGORY).delete();
    await first.stop();

    const second = await startTestEmulator({ dataPath });
    try {
      const again = second.client.database("cosmicworks").container("products");
      expect((await again.item("single", CATEGORY).read()).resource?.name).toBe("Patched Saddle");
      expect((await again.item("b2", CATEGORY).read()).statusCode).toBe(200);
      expect((await again.item("never", CATEGORY).read()).statusCode).toBe(404);
      expect((await again.item("deleted", CATEGORY).read()).statusCode).toBe(404);
      expect((await again.readOffer()).resource?.content?.offerThroughput).toBe(400);
      expect(second.emulator.ca).toBe(first.emulator.ca); // the certificate is kept with the data
    } finally {
      await second.stop();
    }
  });

  it("ignores a torn last journal line (a crash in the middle of an unacknowledged append)", async () => {
    appendFileSync(
      path.join(dataPath, "journal.jsonl"),
      '[{"type":"writePartition","databaseId":"cosmicworks","contai',
    );
    const restarted = await startTestEmulator({ dataPath });
    try {
      const { resources } = await restarted.client
        .database("cosmicworks")
        .container("products")
        .items.readAll()
        .fetchAll();
      expect(resources.map((r) => r.id).sort()).toEqual(["b1", "b2", "single"]);
    } finally {
      await restarted.stop();
    }
  });
});

describe("persistence across kill -9", () => {
  const dataPath = mkdtempSync(path.join(tmpdir(), "emulator-kill-"));
  let running: EmulatorProcess | undefined;
  afterAll(async () => {
    await running?.kill9();
    rmSync(dataPath, { recursive: true, force: true });
  });

  it("keeps every acknowledged write when the process that serves is killed without warning", async () => {
    running = await startEmulatorProcess(["--port", "0", "--data-path", dataPath]);
    const client = running.client(WELL_KNOWN_EMULATOR_KEY);
    const container = await labProducts(client);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const operations: OperationInput[] = [
        { operationType: "Create", resourceBody: { id: `k${i}a`, categoryId: CATEGORY } },
        { operationType: "Create", resourceBody: { id: `k${i}b`, categoryId: CATEGORY } },
      ];
      expect((await container.items.batch(operations, CATEGORY)).code).toBe(200);
      ids.push(`k${i}a`, `k${i}b`);
    }
    client.dispose();
    const { endpoint, ca } = running;
    await running.kill9();
    // The killed process is the server itself: nothing answers on its endpoint any more.
    const refused = await new Promise<string | undefined>((resolve) => {
      https
        .get(endpoint, { ca }, () => resolve(undefined))
        .on("error", (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe("ECONNREFUSED");

    const restarted = await startTestEmulator({ dataPath });
    try {
      const { resources } = await restarted.client
        .database("cosmicworks")
        .container("products")
        .items.readAll()
        .fetchAll();
      expect(resources.map((r) => r.id).sort()).toEqual(ids.sort());
    } finally {
      await restarted.stop();
    }
  });
});

describe("concurrent batches on one logical partition", () => {
  const env = useTestEmulator();

  it("lets exactly one of many batches racing for one id win, and the losers commit nothing", async () => {
    const container = await labProducts(env.client);
    const category = uniqueId("race");
    const contenders = 12;
    const responses = await Promise.all(
      Array.from({ length: contenders }, (_, i) =>
        container.items.batch(
          [
            { operationType: "Create", resourceBody: { id: `own-${i}`, categoryId: category } },
            { operationType: "Upsert", resourceBody: { id: `also-${i}`, categoryId: category } },
            { operationType: "Create", resourceBody: { id: "prize", categoryId: category, winner: i } },
          ],
          category,
        ),
      ),
    );
    const winners = responses.flatMap((response, i) => (response.code === 200 ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const [i, response] of responses.entries()) {
      if (i !== winners[0]) expect(response.result?.map((r) => r.statusCode)).toEqual([424, 424, 409]);
    }
    const { resources } = await container.items
      .query<{ id: string }>("SELECT c.id FROM c", { partitionKey: category })
      .fetchAll();
    expect(resources.map((r) => r.id).sort()).toEqual([`also-${winners[0]}`, `own-${winners[0]}`, "prize"].sort());
    expect((await container.item("prize", category).read()).resource?.winner).toBe(winners[0]);
  });
});
