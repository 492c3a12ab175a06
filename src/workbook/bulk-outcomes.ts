/**
 * The same operations as *bulk* instead of a transactional batch, with an outcome shaped like
 * `BatchOutcome` so the two can be laid side by side.
 *
 * Bulk (`container.items.executeBulkOperations`, @azure/cosmos 4.7+) groups operations by partition
 * key range and sends them with `x-ms-cosmos-batch-atomic: false`: each operation stands alone, so a
 * failing one does not stop or undo the others. A transactional batch (`container.items.batch`) is
 * all or nothing. Same input, different promise; `compareBatchWithBulk` shows the difference.
 */
import type { BulkOperationResult, Container, OperationInput, PartitionKey } from "@azure/cosmos";
import { isSuccess, summarize, type BatchOutcome, type OperationOutcome } from "./batch-outcomes";
import type { Rendering } from "./display";
import { outcomeSummary, outcomeTone, roundCharge, statusCell, statusText, summaryLine, textTable } from "./format";
import { htmlParagraph, htmlTable, type HtmlCell } from "./html";

/** A batch operation's outcome without the `eTag` bulk does not report, plus what a failure said. */
export interface BulkOperationOutcome extends Omit<OperationOutcome, "eTag"> {
  /** What the service or the SDK said about a failed operation. */
  message?: string;
}

export interface BulkOutcome {
  kind: "bulk";
  partitionKey: PartitionKey;
  /** One per operation, in the order given. */
  operations: BulkOperationOutcome[];
  succeeded: number;
  failed: number;
  /** The sum of the operations' charges: bulk has no single request whose header holds the total. */
  requestCharge: number;
}

/**
 * Runs the operations with `executeBulkOperations`, every one on `partitionKey` unless it names its
 * own (bulk routes each operation by its own key and refuses one without). Never throws for a
 * failed operation: each reports its own status.
 */
export async function runBulk(
  container: Container,
  partitionKey: PartitionKey,
  operations: readonly OperationInput[],
): Promise<BulkOutcome> {
  // A copy, as runBatch makes one: the SDK rewrites each operation's partitionKey in place.
  const sent = structuredClone([...operations]).map((operation) =>
    operation.partitionKey === undefined ? { ...operation, partitionKey } : operation,
  );
  const results = await container.items.executeBulkOperations(sent);
  return classifyBulkResults(results, operations, partitionKey);
}

/** Bulk results -> one outcome per operation, in input order. */
export function classifyBulkResults(
  results: readonly BulkOperationResult[],
  operations: readonly OperationInput[],
  partitionKey: PartitionKey,
): BulkOutcome {
  const outcomes = operations.map((input, index) => toBulkOperationOutcome(results[index], input, index));
  const succeeded = outcomes.filter((outcome) => isSuccess(outcome.statusCode)).length;
  return {
    kind: "bulk",
    partitionKey,
    operations: outcomes,
    succeeded,
    failed: outcomes.length - succeeded,
    requestCharge: roundCharge(outcomes.reduce((total, outcome) => total + outcome.requestCharge, 0)),
  };
}

function toBulkOperationOutcome(
  result: BulkOperationResult | undefined,
  input: OperationInput,
  index: number,
): BulkOperationOutcome {
  const summary = summarize(input, index);
  if (result?.response !== undefined) {
    const { statusCode, requestCharge, resourceBody } = result.response;
    return {
      ...summary,
      statusCode,
      requestCharge: requestCharge ?? 0,
      ...(resourceBody === undefined ? {} : { resourceBody }),
    };
  }
  // Failed operations arrive as an ErrorResponse: `code` is the operation's status, or 500 when
  // the SDK itself gave up on it (e.g. no partition key).
  const error = (result?.error ?? {}) as {
    code?: unknown;
    substatus?: unknown;
    requestCharge?: unknown;
    message?: unknown;
  };
  const statusCode = typeof error.code === "number" ? error.code : Number(error.code ?? 500);
  return {
    ...summary,
    statusCode: Number.isFinite(statusCode) ? statusCode : 500,
    ...(typeof error.substatus === "number" && error.substatus !== 0 ? { subStatusCode: error.substatus } : {}),
    requestCharge: typeof error.requestCharge === "number" ? error.requestCharge : 0,
    ...(typeof error.message === "string" && error.message !== "" ? { message: error.message } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Side by side

/** One line on what bulk did: how many operations were written and how many failed. */
export function bulkSummary(outcome: BulkOutcome): { verdict: string; detail: string } {
  const total = outcome.operations.length;
  const failures = outcome.operations.filter((operation) => !isSuccess(operation.statusCode));
  const failedList = failures.map((operation) => `#${operation.index} ${statusText(operation.statusCode)}`).join(", ");
  if (failures.length === 0)
    return { verdict: "All applied", detail: `all ${total} operations succeeded, each on its own.` };
  return {
    verdict: "Partly applied",
    detail: `${outcome.succeeded} of ${total} operations succeeded and stay applied; ${failures.length} failed (${failedList}) without undoing the others.`,
  };
}

const COMPARISON_HEADINGS = ["#", "Operation", "Item id", "Transactional batch", "Bulk"] as const;

/**
 * The same operations run both ways, one row per operation with each path's status, under one
 * sentence per path saying what was written.
 */
export function compareBatchWithBulk(batch: BatchOutcome, bulk: BulkOutcome): Rendering {
  const rows = comparisonRows(batch, bulk);
  const batchLine = outcomeSummary(batch);
  const bulkLine = bulkSummary(bulk);

  const table = textTable(COMPARISON_HEADINGS);
  for (const row of rows) table.push(row.map((cell) => cell.text));
  const text = [
    `Transactional batch — ${summaryLine(batchLine)}`,
    `Bulk — ${summaryLine(bulkLine)}`,
    table.toString(),
  ].join("\n");

  const html =
    "<div>" +
    htmlParagraph(`Transactional batch — ${batchLine.verdict}:`, batchLine.detail, outcomeTone(batch)) +
    htmlParagraph(`Bulk — ${bulkLine.verdict}:`, bulkLine.detail, bulk.failed === 0 ? "success" : "dependency") +
    htmlTable(COMPARISON_HEADINGS, rows) +
    "</div>";
  return { text, html };
}

function comparisonRows(batch: BatchOutcome, bulk: BulkOutcome): HtmlCell[][] {
  const count = Math.max(batch.operations.length, bulk.operations.length);
  return Array.from({ length: count }, (_unused, index) => {
    const described = batch.operations[index] ?? bulk.operations[index];
    return [
      { text: String(index) },
      { text: described?.operationType ?? "" },
      { text: described?.id ?? "" },
      statusCell(batchStatus(batch, index)),
      statusCell(bulk.operations[index]?.statusCode),
    ];
  });
}

/** A rejected batch ran nothing, so it has no per-operation status. */
function batchStatus(batch: BatchOutcome, index: number): number | undefined {
  if (batch.kind === "rejected") return undefined;
  return batch.operations[index]?.statusCode;
}
