/**
 * Property-based batches: random sequences of batches over a few shared ids, run against the
 * emulator through the real SDK and against the reference model (docs/batch-reference-model.md). They
 * must agree on every status and on what is stored after each batch.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshContainer, useTestEmulator } from "../emulator-support";
import { batchSequence, runModelBatch, toSdk } from "./batch-model";

describe("random batches agree with the reference model", () => {
  const env = useTestEmulator();
  let batches = 0;
  let operations = 0;

  it("on HTTP status, every operation's status and the stored items, over 40 random runs", async () => {
    const container = await freshContainer(env.client, "model", { partitionKey: { paths: ["/pk"] } });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(batchSequence, async (sequence) => {
        const partitionKey = `run-${run++}`;
        const model = new Map<string, number>();
        for (const batch of sequence) {
          batches += 1;
          operations += batch.length;
          const expected = runModelBatch(model, batch);
          const response = await container.items.batch(
            batch.map((op) => toSdk(op, partitionKey)),
            partitionKey,
          );
          expect({ code: response.code, statuses: response.result?.map((r) => r.statusCode) }).toEqual(expected);
          const { resources } = await container.items
            .query<{ id: string; n: number }>("SELECT c.id, c.n FROM c", { partitionKey })
            .fetchAll();
          const stored = Object.fromEntries(resources.map((r) => [r.id, r.n]));
          expect(stored).toEqual(Object.fromEntries(model));
        }
      }),
      { numRuns: 40, seed: 20261201 },
    );
    console.log(`random batches: ${batches} batches, ${operations} operations, all as the model says`);
  });
});
