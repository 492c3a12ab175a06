/**
 * Reading a partition back after a batch, and saying whether what is stored agrees with what the
 * batch reported.
 *
 * A batch's statuses are a claim; the items stored are the proof. The verdict is stated relative
 * to the claim, so it stays right after a learner edits the batch: a committed batch whose items
 * are present is consistent, and so is a rolled-back batch whose items are absent. Anything else is
 * inconsistent, which only a broken backend shows.
 *
 * The read-back is its own notebook step, and tslab cannot compile a cell that names a response an
 * earlier cell of a fresh kernel never declared. So `batchOutcome` remembers, per container and
 * partition, the outcome it classified last, and the read-back asks for it by partition; when there
 * is none it says which step to run first.
 */
import type { Container, ItemDefinition, OperationInput, PartitionKey } from "@azure/cosmos";
import {
  classifyBatchResponse,
  type BatchOutcome,
  type BatchResponseLike,
  type OperationSummary,
} from "./batch-outcomes";
import { StepOrderError } from "./lab";

const REPORTED_BATCHES_KEY = Symbol.for("cosmos-batch-workbook.reported-batches");

/** Outcomes by container and partition; on `globalThis` so a re-run import cell keeps them. */
function reportedBatches(): Map<string, BatchOutcome> {
  const holder = globalThis as { [REPORTED_BATCHES_KEY]?: Map<string, BatchOutcome> };
  holder[REPORTED_BATCHES_KEY] ??= new Map();
  return holder[REPORTED_BATCHES_KEY];
}

function partitionKeyOf(container: Container, partitionKey: PartitionKey): string {
  return `${container.database.id}/${container.id}|${JSON.stringify(partitionKey)}`;
}

/**
 * The outcome of a response `container.items.batch(operations, partitionKey)` returned: committed
 * or rolled back, with the failing operation named. Remembered for `reportedBatch`.
 */
export function batchOutcome(
  container: Container,
  response: BatchResponseLike,
  operations: readonly OperationInput[],
  partitionKey: PartitionKey,
): BatchOutcome {
  const outcome = classifyBatchResponse(response, operations, partitionKey);
  reportedBatches().set(partitionKeyOf(container, partitionKey), outcome);
  return outcome;
}

/** The outcome `batchOutcome` classified last on this partition; `step` names the cell that sends it. */
export function reportedBatch(container: Container, partitionKey: PartitionKey, step: string): BatchOutcome {
  const outcome = reportedBatches().get(partitionKeyOf(container, partitionKey));
  if (outcome === undefined) {
    throw new StepOrderError(
      `Run step ${step} first: this step checks the partition against what that step's batch reported, ` +
        "and no batch has reported on it in this kernel yet.",
    );
  }
  return outcome;
}

export interface ReadBackVerdict {
  consistent: boolean;
  /** One sentence: what the batch reported, what is stored, and whether the two agree. */
  line: string;
}

/**
 * Compares the items a batch created or upserted with the partition as read back. A create that
 * failed with 409 found its id taken before the batch ran, so its presence proves nothing and it is
 * not counted.
 */
export function readBackVerdict(outcome: BatchOutcome, stored: readonly ItemDefinition[]): ReadBackVerdict {
  const storedIds = new Set(stored.map((item) => String(item.id)));
  const operations: readonly OperationSummary[] = outcome.operations;
  const written = operations.filter((operation) => writesItem(operation) && !foundTaken(operation));
  const present = written.filter((operation) => storedIds.has(String(operation.id)));
  const absent = written.filter((operation) => !storedIds.has(String(operation.id)));
  if (outcome.kind === "committed") {
    return absent.length === 0
      ? consistent(`the batch reported committed, and every item it wrote is stored (${ids(present)}).`)
      : inconsistent(`the batch reported committed, but ${ids(absent)} ${isAre(absent)} missing.`);
  }
  const reported = outcome.kind === "rolled-back" ? "rolled back" : "rejected";
  return present.length === 0
    ? consistent(`the batch reported ${reported}, and no item it would have written is stored (${ids(absent)}).`)
    : inconsistent(`the batch reported ${reported}, but ${ids(present)} ${isAre(present)} stored.`);
}

function writesItem(operation: OperationSummary): boolean {
  return (operation.operationType === "Create" || operation.operationType === "Upsert") && operation.id !== undefined;
}

/** A create that failed with 409 found its id taken before the batch ran. */
function foundTaken(operation: OperationSummary): boolean {
  return "statusCode" in operation && operation.statusCode === 409;
}

function consistent(detail: string): ReadBackVerdict {
  return { consistent: true, line: `Consistent: ${detail}` };
}

function inconsistent(detail: string): ReadBackVerdict {
  return {
    consistent: false,
    line: `INCONSISTENT: ${detail} A transactional batch is all or nothing; only a broken backend shows this.`,
  };
}

function ids(operations: readonly OperationSummary[]): string {
  return operations.length === 0 ? "no items" : operations.map((operation) => operation.id).join(", ");
}

function isAre(operations: readonly unknown[]): string {
  return operations.length === 1 ? "is" : "are";
}
