/**
 * Every notebook in notebooks/, executed in real Jupyter (nbclient + the project's tslab kernel),
 * the way a learner's Jupyter runs it:
 * - Run All passes: no cell fails, and no cell is silently aborted by tslab;
 * - Run All executes every code cell (none is tagged skip-execution, which Jupyter's UI ignores),
 *   and a second Run All in the same kernel gives the same outputs (volatile values masked), so
 *   nothing the first pass did (a clean-up, a deletion) breaks the next;
 * - every cell run twice in a row gives the same output both times;
 * - the outputs committed in the .ipynb are what the notebook produces now.
 * Two kernels per notebook: one for the two Run All passes, one for the cell-by-cell re-runs.
 */
import { basename } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TAG_SKIP_EXECUTION, hasTag, readNotebook, type Notebook } from "../../../src/tools/notebook/nbformat";
import { labNotebooks } from "../../../src/tools/project-paths";
import { committedMaskedByCell, hasCommittedOutputs, maskOptionsFor, maskedByCell } from "./compare";
import {
  describeFailures,
  executeNotebook,
  jupyterIsInstalled,
  temporaryKernel,
  testsWithoutJupyter,
  type DriverReport,
} from "./jupyter-driver";
import type { MaskOptions } from "./mask";

/** What refreshes committed outputs; printed when they are missing or stale. */
const REFRESH_OUTPUTS_COMMAND =
  "npm run build && node dist/tools/notebook/notebook-cli.js run notebooks/<name>.ipynb --in-place";
const NOTEBOOK_TIMEOUT_MS = 240_000;

const hasJupyter = jupyterIsInstalled();
const notebooks = labNotebooks();

describe.runIf(hasJupyter).each(notebooks.map((path) => [basename(path), path]))("%s in real Jupyter", (name, path) => {
  let kernel: Awaited<ReturnType<typeof temporaryKernel>>;
  let notebook: Notebook;
  let maskOptions: MaskOptions;
  let twice: DriverReport;
  let eachTwice: DriverReport;

  beforeAll(async () => {
    kernel = await temporaryKernel();
    notebook = await readNotebook(path);
    maskOptions = maskOptionsFor(notebook);
    // Separate kernels: a re-run cell must see exactly the state the cells before it left.
    [twice, eachTwice] = await Promise.all([
      executeNotebook(kernel, path, "run-all-twice"),
      executeNotebook(kernel, path, "rerun-each"),
    ]);
  }, NOTEBOOK_TIMEOUT_MS);
  afterAll(async () => {
    await kernel?.dispose();
  });

  it("is valid nbformat 4.5 with unique cell ids", () => {
    expect(twice.validationProblems).toEqual([]);
  });

  it("passes Run All: every code cell replies ok (or raises where tagged raises-exception)", () => {
    const firstPass = { ...twice, executions: twice.executions.filter((execution) => execution.round === 1) };
    expect(describeFailures(firstPass), `${name}: failing cells`).toBe("");
    expect(firstPass.executions.some((execution) => execution.status === "ok")).toBe(true);
  });

  it("runs every code cell on both Run All passes: none is skipped, as Jupyter's own Run All skips none", () => {
    const codeCellIds = notebook.cells.filter((cell) => cell.cell_type === "code").map((cell) => cell.id);
    expect(notebook.cells.filter((cell) => hasTag(cell, TAG_SKIP_EXECUTION)).map((cell) => cell.id)).toEqual([]);
    for (const round of [1, 2]) {
      const ran = twice.executions.filter((execution) => execution.round === round && execution.status === "ok");
      expect(ran.map((execution) => execution.id)).toEqual(codeCellIds);
    }
  });

  it("gives the same outputs when Run All runs again in the same kernel", () => {
    expect(describeFailures(twice), `${name}: cells failing on the second Run All`).toBe("");
    expect(maskedByCell(twice.executions, 2, maskOptions)).toEqual(maskedByCell(twice.executions, 1, maskOptions));
  });

  it("gives the same output when any cell is run again right after itself", () => {
    expect(describeFailures(eachTwice), `${name}: cells failing when re-run`).toBe("");
    expect(maskedByCell(eachTwice.executions, 2, maskOptions)).toEqual(
      maskedByCell(eachTwice.executions, 1, maskOptions),
    );
  });

  it("has committed outputs equal to what it produces now", () => {
    expect(
      hasCommittedOutputs(notebook),
      `${name} has no committed outputs; refresh them with: ${REFRESH_OUTPUTS_COMMAND}`,
    ).toBe(true);
    expect(
      committedMaskedByCell(notebook, maskOptions),
      `${name}: committed outputs are stale; refresh them with: ${REFRESH_OUTPUTS_COMMAND}`,
    ).toEqual(maskedByCell(twice.executions, 1, maskOptions));
  });
});

describe.runIf(!hasJupyter)("notebooks in real Jupyter", () => testsWithoutJupyter("are skipped"));

describe("notebook discovery", () => {
  it("finds the lab notebooks", () => {
    expect(notebooks.map((path) => basename(path))).toContain("04-sdk-batch.ipynb");
  });
});
