/**
 * The reference model of docs/batch-reference-model.md: one logical partition as a map from id to item,
 * and a batch as all-or-nothing over a copy of it; with the random batches it is compared on.
 */
import type { OperationInput } from "@azure/cosmos";
import fc from "fast-check";
export type ModelOperation =
  | { type: "Create" | "Upsert" | "Replace"; id: string; value: number; foreignKey?: boolean }
  | { type: "Read" | "Delete"; id: string }
  | { type: "Patch"; id: string; set: number };

export interface ModelOutcome {
  code: 200 | 207;
  statuses: number[];
}

type Partition = Map<string, number>;

function apply(partition: Partition, operation: ModelOperation): number {
  const present = partition.has(operation.id);
  switch (operation.type) {
    case "Create":
      if (operation.foreignKey) return 400;
      if (present) return 409;
      partition.set(operation.id, operation.value);
      return 201;
    case "Upsert":
      if (operation.foreignKey) return 400;
      partition.set(operation.id, operation.value);
      return present ? 200 : 201;
    case "Replace":
      if (operation.foreignKey) return 400;
      if (!present) return 404;
      partition.set(operation.id, operation.value);
      return 200;
    case "Read":
      return present ? 200 : 404;
    case "Delete":
      if (!present) return 404;
      partition.delete(operation.id);
      return 204;
    case "Patch":
      if (!present) return 404;
      partition.set(operation.id, operation.set);
      return 200;
  }
}

/** Runs a batch on the model partition (changing it only when every operation succeeds). */
export function runModelBatch(partition: Partition, operations: ModelOperation[]): ModelOutcome {
  const copy = new Map(partition);
  const statuses: number[] = [];
  for (const [index, operation] of operations.entries()) {
    const status = apply(copy, operation);
    if (status >= 400) {
      return { code: 207, statuses: operations.map((_, i) => (i === index ? status : 424)) };
    }
    statuses.push(status);
  }
  partition.clear();
  for (const [id, value] of copy) partition.set(id, value);
  return { code: 200, statuses };
}

const IDS = ["a", "b", "c"];

export const operation: fc.Arbitrary<ModelOperation> = fc.oneof(
  fc.record({
    type: fc.constantFrom("Create" as const, "Upsert" as const, "Replace" as const),
    id: fc.constantFrom(...IDS),
    value: fc.integer({ min: 0, max: 99 }),
    foreignKey: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  }),
  fc.record({ type: fc.constantFrom("Read" as const, "Delete" as const), id: fc.constantFrom(...IDS) }),
  fc.record({ type: fc.constant("Patch" as const), id: fc.constantFrom(...IDS), set: fc.integer({ min: 0, max: 99 }) }),
);

export function toSdk(op: ModelOperation, partitionKey: string): OperationInput {
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

/** A few batches of one to six operations each, over the same three ids. */
export const batchSequence = fc.array(fc.array(operation, { minLength: 1, maxLength: 6 }), {
  minLength: 1,
  maxLength: 6,
});
