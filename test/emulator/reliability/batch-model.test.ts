/**
 * Property-based batches: random sequences of batches over a few shared ids, run against the
 * emulator through the real SDK and against the reference model (docs/batch-contract.md). They
 * must agree on every status and on what is stored after each batch.
 */
import type { OperationInput } from "@azure/cosmos";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshContainer, useTestEmulator } from "../emulator-support";
import { runModelBatch, type ModelOperation } from "./batch-model";

const IDS = ["a", "b", "c"];

const operation: fc.Arbitrary<ModelOperation> = fc.oneof(
  fc.record({
    type: fc.constantFrom("Create" as const, "Upsert" as const, "Replace" as const),
    id: fc.constantFrom(...IDS),
    value: fc.integer({ min: 0, max: 99 }),
    foreignKey: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  }),
  fc.record({ type: fc.constantFrom("Read" as const, "Delete" as const), id: fc.constantFrom(...IDS) }),
  fc.record({ type: fc.constant("Patch" as const), id: fc.constantFrom(...IDS), set: fc.integer({ min: 0, max: 99 }) }),
);

function toSdk(op: ModelOperation, partitionKey: string): OperationInput {
  switch (op.type) {
    case "Create":
    case "Upsert":
    case "Replace": {
      const resourceBody = { id: op.id, pk: op.foreignKey ? `${partitionKey}-other` : partitionKey, n: op.value };
      return op.type === "Replace"
        ? { operationType: "Replace", id: op.id, resourceBody }
        : { operationType: op.type, resourceBody };
    }
    case "Read":
    case "Delete":
      return { operationType: op.type, id: op.id };
    case "Patch":
      return {
        operationType: "Patch",
        id: op.id,
        resourceBody: { operations: [{ op: "set", path: "/n", value: op.set }] },
      };
  }
}

describe("random batches agree with the reference model", () => {
  const env = useTestEmulator();
  let batches = 0;
  let operations = 0;

  it("on HTTP status, every operation's status and the stored items, over 40 random runs", async () => {
    const container = await freshContainer(env.client, "model", { partitionKey: { paths: ["/pk"] } });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(operation, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        async (sequence) => {
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
        },
      ),
      { numRuns: 40, seed: 20261201 },
    );
    console.log(`random batches: ${batches} batches, ${operations} operations, all as the model says`);
  });
});
