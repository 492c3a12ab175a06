/**
 * The lab's and the deep dive's outcomes against the service (`npm run test:service` only): each
 * notebook runs headless in the real tslab kernel with the endpoint of `.env`, in a database of
 * its own that is deleted afterwards, and prints what its "Expect" cells promise.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { outputsToText } from "../../src/tools/notebook/outputs";
import { runNotebook, type RunReport } from "../../src/tools/notebook/run";
import { projectRoot } from "../../src/tools/project-paths";
import { againstService, connectServiceTarget } from "./service-target";

const NOTEBOOK_TIMEOUT_MS = 600_000;

/** Everything the notebook printed, cell after cell. */
const printed = (report: RunReport): string => report.cells.map((cell) => outputsToText(cell.outputs)).join("\n");

describe.runIf(againstService())("the notebooks against the service", () => {
  const databaseId = `workbook-service-${Date.now()}`;
  const run = (name: string): Promise<RunReport> =>
    runNotebook(join(projectRoot(), "notebooks", name), {
      env: { ...process.env, COSMOS_DATABASE: databaseId },
      cellTimeoutMs: 300_000,
    });

  afterAll(async () => {
    // Deletes the notebooks' database (and anything else this file created).
    const target = await connectServiceTarget();
    await target.client
      .database(databaseId)
      .delete()
      .catch(() => undefined);
    await target.stop();
  });

  it(
    "the lab: the good batch commits two creates, the errant one fails whole and writes nothing",
    async () => {
      const report = await run("04-sdk-batch.ipynb");
      expect(report.failures.map((cell) => cell.id)).toEqual([]);
      const text = printed(report);
      expect(text).toMatch(/Batch answered HTTP 200\noperation 0: 201 \{[\s\S]*\}\noperation 1: 201 \{/);
      expect(text).toMatch(/operation 0: \{ statusCode: 424, requestCharge: [\d.]+, resourceBody: undefined \}/);
      expect(text).toMatch(/operation 1: \{ statusCode: 400, requestCharge: [\d.]+, resourceBody: undefined \}/);
      expect(text).toContain("Operation 1 failed the batch.");
      expect(text).toContain(
        "Consistent: the batch reported rolled back, and no item it would have written is stored (012B, 012C).",
      );
      expect(text).toContain("Products left in used accessories: 0");
    },
    NOTEBOOK_TIMEOUT_MS,
  );

  it(
    "the deep dive: 100 operations commit, 101 are refused, bulk keeps going past a 409",
    async () => {
      const report = await run("05-batch-deep-dive.ipynb");
      expect(report.failures.map((cell) => cell.id)).toEqual([]);
      const text = printed(report);
      expect(text).toContain("100 operations: Committed: all 100 operations succeeded");
      expect(text).toContain("101 operations: Rejected: the SDK refused to send the bat");
      expect(text).toContain("#0 bell: 409\n#1 light: 201\n#2 saddle: 201");
      expect(text).toContain("The deep-dive partitions are empty.");
    },
    NOTEBOOK_TIMEOUT_MS,
  );
});
