/**
 * `oneLineError`: each kind of error a notebook cell can throw, as the one line a learner sees.
 * The SDK's errors are real ones, from @azure/cosmos against the embedded emulator. (That a failing
 * cell prints exactly this line in a tslab kernel is tested with the notebooks, in a real kernel.)
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "@azure/cosmos";
import { closeConnections, connect, prepareContainer, WorkbookError } from "../../src/workbook/client";
import { ConfigError, loadConfig } from "../../src/workbook/config";
import { oneLineError } from "../../src/workbook/cell-errors";
import { StepOrderError } from "../../src/workbook/lab";
import { labProducts, usedAccessories } from "../../src/workbook/lab-products";

let container: Container;

beforeAll(async () => {
  ({ container } = await prepareContainer(await connect(loadConfig())));
});

afterAll(async () => {
  await closeConnections();
});

async function thrownBy(action: () => Promise<unknown>): Promise<Error> {
  const caught = await action().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(caught instanceof Error)) throw new Error("the action did not throw an Error");
  return caught;
}

describe("oneLineError", () => {
  it("prints the workbook's own errors as their sentence", () => {
    expect(oneLineError(new StepOrderError("Run step 1 first: it creates the container."))).toBe(
      "Run step 1 first: it creates the container.",
    );
    expect(oneLineError(new ConfigError(["COSMOS_KEY is not a base64 account key: copy it again."]))).toBe(
      "COSMOS_KEY is not a base64 account key: copy it again.",
    );
    expect(oneLineError(new WorkbookError("Nothing answers at the emulator: check it runs."))).toBe(
      "Nothing answers at the emulator: check it runs.",
    );
  });

  it("prints a Cosmos DB error as its status and the service's words, without the SDK's dump", async () => {
    await container.items.upsert({ ...labProducts.saddle });
    const conflict = await thrownBy(() => container.items.create({ ...labProducts.saddle }));
    // What Node would print for it: the stack, the headers and the SDK's diagnostics.
    expect(inspect(conflict).split("\n").length).toBeGreaterThan(20);
    expect(oneLineError(conflict)).toBe(
      "Cosmos DB answered 409 Conflict: Entity with the specified id already exists in the system.",
    );
    await container.item(labProducts.saddle.id, usedAccessories).delete();
  });

  it("recovers the status of a whole-request batch error, which the SDK throws without one", async () => {
    const empty = await thrownBy(() => container.items.batch([], usedAccessories));
    expect(oneLineError(empty)).toBe("Cosmos DB answered 400 Bad Request: Batch request has no operations.");
  });

  it("prints a plain Error (an exercise not done yet) as its first line", () => {
    expect(oneLineError(new Error("Exercise 2 is not done yet: replace the TODO lines.\nsecond line"))).toBe(
      "Error: Exercise 2 is not done yet: replace the TODO lines.",
    );
  });

  it("prints a programming error as its name and message, pointing at errorDetail for the rest", () => {
    const typeError = (() => {
      try {
        (undefined as unknown as { statusCode: number }).statusCode;
      } catch (error) {
        return error as Error;
      }
      throw new Error("no TypeError");
    })();
    expect(oneLineError(typeError)).toBe(
      "TypeError: Cannot read properties of undefined (reading 'statusCode') (errorDetail(true) shows the full error)",
    );
  });
});
