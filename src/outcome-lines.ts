/**
 * One-line readings of a batch outcome, for cells where a full table would drown the point: a
 * 100-operation batch, or the request charge of each operation against the batch's total.
 */
import type { BatchOutcome } from "./batch";
import { outcomeSummary } from "./format";

/** "Committed: all 100 operations succeeded ..." — the verdict and its sentence, without the table. */
export function outcomeLine(outcome: BatchOutcome): string {
  const { verdict, detail } = outcomeSummary(outcome);
  return `${verdict}: ${detail}`;
}

export interface ChargeBreakdown {
  /** Each operation's own `requestCharge`, in order. */
  operationCharges: number[];
  sumOfOperations: number;
  /** The batch's `x-ms-request-charge` header: what the whole request cost. */
  batchCharge: number;
  /** Equal to two decimals, the precision the service reports charges with. */
  equal: boolean;
}

/** The charge of every operation and of the batch, for outcomes where operations ran. */
export function chargeBreakdown(outcome: BatchOutcome): ChargeBreakdown {
  const operationCharges = outcome.kind === "rejected" ? [] : outcome.operations.map((operation) => operation.requestCharge);
  const sumOfOperations = roundCharge(operationCharges.reduce((total, charge) => total + charge, 0));
  const batchCharge = roundCharge(outcome.requestCharge);
  return { operationCharges, sumOfOperations, batchCharge, equal: sumOfOperations === batchCharge };
}

/** "1.00 + 6.29 + ... = 31.62 RU; the batch's header says 31.62 RU: the same." */
export function chargeLine(outcome: BatchOutcome): string {
  const { operationCharges, sumOfOperations, batchCharge, equal } = chargeBreakdown(outcome);
  if (operationCharges.length === 0) return `No operation ran, so nothing was charged for operations (batch: ${formatCharge(batchCharge)} RU).`;
  const terms = operationCharges.map(formatCharge).join(" + ");
  const verdict = equal ? "the same" : `a difference of ${formatCharge(Math.abs(batchCharge - sumOfOperations))} RU`;
  return `Operations: ${terms} = ${formatCharge(sumOfOperations)} RU; the batch's x-ms-request-charge: ${formatCharge(batchCharge)} RU (${verdict}).`;
}

function roundCharge(charge: number): number {
  return Math.round(charge * 100) / 100;
}

function formatCharge(charge: number): string {
  return charge.toFixed(2);
}
