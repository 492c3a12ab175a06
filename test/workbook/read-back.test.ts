/**
 * The read-back verdict for every combination of what a batch reported and what is stored, and the
 * outcome `batchOutcome` remembers for the read-back step (or the step it names when there is none).
 */
import type { Container } from "@azure/cosmos";
import { describe, expect, it } from "vitest";
import { classifyBatchResponse, create, read } from "../../src/workbook/batch-outcomes";
import { labProducts, usedAccessories } from "../../src/workbook/lab-products";
import { StepOrderError } from "../../src/workbook/lab";
import { batchOutcome, readBackVerdict, reportedBatch } from "../../src/workbook/read-back";

const { light, helmet, saddle } = labProducts;
const errant = [create(light), create(helmet)];
const rolledBack = classifyBatchResponse(
  {
    code: 207,
    result: [
      { statusCode: 424, requestCharge: 0 },
      { statusCode: 400, requestCharge: 1 },
    ],
  },
  errant,
  usedAccessories,
);
const committed = classifyBatchResponse(
  {
    code: 200,
    result: [
      { statusCode: 201, requestCharge: 5 },
      { statusCode: 201, requestCharge: 5 },
    ],
  },
  errant,
  usedAccessories,
);

describe("readBackVerdict", () => {
  it("calls a rolled-back batch whose items are absent consistent", () => {
    expect(readBackVerdict(rolledBack, [saddle])).toEqual({
      consistent: true,
      line: "Consistent: the batch reported rolled back, and no item it would have written is stored (012B, 012C).",
    });
  });

  it("calls a committed batch whose items are stored consistent", () => {
    expect(readBackVerdict(committed, [saddle, light, helmet])).toEqual({
      consistent: true,
      line: "Consistent: the batch reported committed, and every item it wrote is stored (012B, 012C).",
    });
  });

  it("calls a rolled-back batch whose item is stored inconsistent, naming the item", () => {
    expect(readBackVerdict(rolledBack, [light])).toEqual({
      consistent: false,
      line:
        "INCONSISTENT: the batch reported rolled back, but 012B is stored. " +
        "A transactional batch is all or nothing; only a broken backend shows this.",
    });
  });

  it("calls a committed batch whose items are missing inconsistent, naming them", () => {
    expect(readBackVerdict(committed, []).line).toBe(
      "INCONSISTENT: the batch reported committed, but 012B, 012C are missing. " +
        "A transactional batch is all or nothing; only a broken backend shows this.",
    );
  });

  it("does not count a create that found its id taken (409), nor operations that write nothing", () => {
    const again = classifyBatchResponse(
      {
        code: 207,
        result: [
          { statusCode: 409, requestCharge: 1 },
          { statusCode: 424, requestCharge: 0 },
        ],
      },
      [create(saddle), read(light.id)],
      usedAccessories,
    );
    expect(readBackVerdict(again, [saddle])).toMatchObject({ consistent: true });
  });
});

describe("batchOutcome and reportedBatch", () => {
  const containerNamed = (id: string) => ({ id, database: { id: "cosmicworks" } }) as unknown as Container;

  it("names the step to run first when no batch reported on the partition", () => {
    expect(() => reportedBatch(containerNamed("untouched"), usedAccessories, "4")).toThrow(StepOrderError);
    expect(() => reportedBatch(containerNamed("untouched"), usedAccessories, "4")).toThrow(
      /^Run step 4 first: this step checks the partition against what that step's batch reported/,
    );
  });

  it("remembers the last outcome per container and partition", () => {
    const products = containerNamed("products");
    const response = {
      code: 207,
      result: [
        { statusCode: 424, requestCharge: 0 },
        { statusCode: 400, requestCharge: 1 },
      ],
    };
    const outcome = batchOutcome(products, response, errant, usedAccessories);
    expect(outcome).toEqual(rolledBack);
    expect(reportedBatch(products, usedAccessories, "4")).toBe(outcome);
    expect(() => reportedBatch(containerNamed("other"), usedAccessories, "4")).toThrow(StepOrderError);
    expect(() => reportedBatch(products, "another-partition", "4")).toThrow(StepOrderError);
  });
});
