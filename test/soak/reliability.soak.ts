/**
 * The long version of the reliability suite (`npm run soak`): many more kill -9 cycles, fuzzing
 * of every route with random bodies and headers, many more random batches against the model, and
 * a load of concurrent writers. Prints one table of figures at the end (the README quotes a run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { freshContainer, rawRequest, useTestEmulator } from "../emulator/emulator-support";
import { batchSequence, runModelBatch, toSdk } from "../emulator/reliability/batch-model";
import { runKillCycles } from "../emulator/reliability/kill-cycles";
import {
  allRoutes,
  concretePath,
  newFixture,
  selectingHeaders,
  signedAs,
} from "../emulator/reliability/route-fixtures";

const SOAK_SCALE = Number(process.env.SOAK_SCALE ?? 1);
const figures: Record<string, string | number> = {};
afterAll(() => {
  console.log("\nReliability soak figures");
  console.table(figures);
});

describe("soak", () => {
  const env = useTestEmulator();

  it("kill -9 cycles", async () => {
    const dataPath = mkdtempSync(path.join(tmpdir(), "soak-kill-"));
    try {
      const report = await runKillCycles({ dataPath, cycles: 25 * SOAK_SCALE, writers: 4, killBetweenMs: [100, 1500] });
      figures["kill -9 cycles survived"] = report.cycles;
      figures["batches acknowledged"] = report.batchesAcknowledged;
      figures["writes acknowledged"] = report.writesAcknowledged;
      figures["acknowledged writes found after restart"] = report.writesFound;
      figures["unanswered batches found whole / absent"] =
        `${report.unansweredFoundWhole} / ${report.unansweredAbsent}`;
      figures["half batches found"] = report.violations.length;
      expect(report.violations).toEqual([]);
      expect(report.writesFound).toBe(report.writesAcknowledged);
    } finally {
      rmSync(dataPath, { recursive: true, force: true });
    }
  });

  it("fuzzes every route with random bodies and headers", async () => {
    let tried = 0;
    let worst = 0;
    const headerValue = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? "null"),
    );
    const headerName = fc.constantFrom(
      "x-ms-documentdb-partitionkey",
      "x-ms-max-item-count",
      "x-ms-continuation",
      "if-match",
      "if-none-match",
      "x-ms-offer-throughput",
      "x-ms-cosmos-offer-autopilot-settings",
      "x-ms-documentdb-is-upsert",
      "x-ms-cosmos-batch-continue-on-error",
      "x-ms-documentdb-populatequotainfo",
    );
    for (const route of allRoutes) {
      let fixture = await newFixture(env);
      await fc.assert(
        fc.asyncProperty(
          fc.jsonValue({ maxDepth: 6 }),
          fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
          async (body, extra) => {
            if (route.method === "DELETE") fixture = await newFixture(env);
            const headers: Record<string, string> = { ...selectingHeaders(route) };
            for (const [name, value] of Object.entries(extra)) headers[name] = value.replace(/[^\x20-\x7e]/g, "");
            tried += 1;
            const response = await rawRequest(env.emulator, {
              method: route.method,
              path: concretePath(route, fixture),
              headers,
              ...signedAs(route, fixture),
              body: JSON.stringify(body),
            });
            worst = Math.max(worst, response.status);
            expect(response.status).toBeLessThan(500);
          },
        ),
        { numRuns: route.method === "DELETE" ? 30 * SOAK_SCALE : 150 * SOAK_SCALE },
      );
    }
    figures["fuzzed requests (random body and headers)"] = tried;
    figures["highest status seen in fuzzing"] = worst;
  });

  it("random batches against the model", async () => {
    const container = await freshContainer(env.client, "soak-model", { partitionKey: { paths: ["/pk"] } });
    let run = 0;
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(batchSequence, async (sequence) => {
        const partitionKey = `soak-${run++}`;
        const model = new Map<string, number>();
        for (const batch of sequence) {
          batches += 1;
          const expected = runModelBatch(model, batch);
          const response = await container.items.batch(
            batch.map((op) => toSdk(op, partitionKey)),
            partitionKey,
          );
          expect({ code: response.code, statuses: response.result?.map((r) => r.statusCode) }).toEqual(expected);
        }
      }),
      { numRuns: 500 * SOAK_SCALE },
    );
    figures["random batches agreeing with the model"] = batches;
  });

  it("holds a load of concurrent writers", async () => {
    const container = await freshContainer(env.client, "soak-load", { partitionKey: { paths: ["/pk"] } });
    const writers = 16;
    const until = Date.now() + 20_000 * SOAK_SCALE;
    let acknowledged = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; Date.now() < until; n++) {
          const partitionKey = `p${(w + n) % 8}`;
          const response = await container.items.batch(
            [
              { operationType: "Create", resourceBody: { id: `w${w}-${n}-a`, pk: partitionKey } },
              { operationType: "Upsert", resourceBody: { id: `w${w}-${n}-b`, pk: partitionKey } },
            ],
            partitionKey,
          );
          if (response.code === 200) acknowledged += 1;
          else failed += 1;
        }
      }),
    );
    const { resources } = await container.items.query<number>("SELECT VALUE COUNT(1) FROM c").fetchAll();
    figures["load: concurrent writers"] = writers;
    figures["load: batches acknowledged / failed"] = `${acknowledged} / ${failed}`;
    figures["load: batches per second"] = Math.round(acknowledged / (20 * SOAK_SCALE));
    figures["load: items found / written"] = `${resources[0]} / ${acknowledged * 2}`;
    expect(failed).toBe(0);
    expect(resources[0]).toBe(acknowledged * 2);
  });
});
