/**
 * The request charge of every operation against the batch's total, on one line: for cells where a
 * full table would drown the point. (The verdict on one line, `outcomeLine`, is in format.ts beside
 * `outcomeSummary`.)
 */
import type { BatchOutcome } from "./batch";
import { formatCharge, roundCharge } from "./format";

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

/** "Operations: 6.10 + 1.00 + 5.60 = 12.70 RU; the batch's x-ms-request-charge: 12.70 RU (the same)." */
export function chargeLine(outcome: BatchOutcome): string {
  const { operationCharges, sumOfOperations, batchCharge, equal } = chargeBreakdown(outcome);
  if (operationCharges.length === 0) return `No operation ran, so nothing was charged for operations (batch: ${formatCharge(batchCharge)} RU).`;
  const terms = operationCharges.map(formatCharge).join(" + ");
  const verdict = equal ? "the same" : `a difference of ${formatCharge(Math.abs(batchCharge - sumOfOperations))} RU`;
  return `Operations: ${terms} = ${formatCharge(sumOfOperations)} RU; the batch's x-ms-request-charge: ${formatCharge(batchCharge)} RU (${verdict}).`;
}
