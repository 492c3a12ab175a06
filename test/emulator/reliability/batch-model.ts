/**
 * The reference model of docs/batch-contract.md: one logical partition as a map from id to item,
 * and a batch as all-or-nothing over a copy of it.
 */
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
