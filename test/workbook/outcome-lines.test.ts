/** One-line readings of an outcome: the verdict alone, and operations' charges against the batch's. */
import { describe, expect, it } from "vitest";
import { classifyBatchError, classifyBatchResponse, create, read } from "../../src/workbook/batch-outcomes";
import { chargeBreakdown, chargeLine, outcomeLine } from "../../src/workbook/format";

const committed = classifyBatchResponse(
  {
    code: 200,
    headers: { "x-ms-request-charge": "12.7" },
    result: [
      { statusCode: 201, requestCharge: 6.1 },
      { statusCode: 200, requestCharge: 1 },
      { statusCode: 201, requestCharge: 5.6 },
    ],
  },
  [create({ id: "a" }), read("b"), create({ id: "c" })],
  "p",
);

describe("outcomeLine", () => {
  it("gives the verdict and its sentence on one line", () => {
    expect(outcomeLine(committed)).toBe(
      "Committed: all 3 operations succeeded and were written together; 12.70 RU in total.",
    );
  });

  it("says when the SDK refused to send", () => {
    const refused = classifyBatchError(
      new Error("Cannot run batch request with more than 100 operations per partition"),
      [],
      "p",
    );
    if (refused === undefined) throw new Error("expected a rejected outcome");
    expect(outcomeLine(refused)).toBe(
      "Rejected: the SDK refused to send the batch, so no operation ran: Cannot run batch request with more than 100 operations per partition",
    );
  });
});

describe("chargeBreakdown and chargeLine", () => {
  it("add the operations' charges (without floating-point noise) and compare with the header", () => {
    expect(chargeBreakdown(committed)).toEqual({
      operationCharges: [6.1, 1, 5.6],
      sumOfOperations: 12.7,
      batchCharge: 12.7,
      equal: true,
    });
    expect(chargeLine(committed)).toBe(
      "Operations: 6.10 + 1.00 + 5.60 = 12.70 RU; the batch's x-ms-request-charge: 12.70 RU (the same).",
    );
  });

  it("report a difference when the header disagrees", () => {
    const odd = classifyBatchResponse(
      { code: 200, headers: { "x-ms-request-charge": "10" }, result: [{ statusCode: 201, requestCharge: 6 }] },
      [create({ id: "a" })],
      "p",
    );
    expect(chargeBreakdown(odd).equal).toBe(false);
    expect(chargeLine(odd)).toContain("(a difference of 4.00 RU)");
  });

  it("say that a rejected batch ran no operation", () => {
    const refused = classifyBatchError(
      new Error("Cannot run batch request with more than 100 operations per partition"),
      [],
      "p",
    );
    if (refused === undefined) throw new Error("expected a rejected outcome");
    expect(chargeLine(refused)).toBe("No operation ran, so nothing was charged for operations (batch: 0.00 RU).");
  });
});
