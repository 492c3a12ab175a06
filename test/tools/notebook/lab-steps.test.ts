/**
 * The lab notebooks' steps in real tslab kernels, the way a learner pokes at them:
 * - every step run first, on a fresh kernel, either works or says in one line which step to run;
 * - a step run before the step whose result it checks says so, in one line;
 * - the edit exercise 4 of the lab invites (make the errant batch valid), run twice, and the
 *   read-back's verdict before and after it;
 * - a failing cell prints one line, unless the learner asks for the full error.
 */
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KernelError, TslabKernel, type ExecuteResult } from "../../../src/tools/notebook/kernel";
import { parseNotebook, type CodeCell } from "../../../src/tools/notebook/nbformat";
import { outputsToText } from "../../../src/tools/notebook/outputs";
import { ABORT_WINDOW_MS } from "../../../src/tools/notebook/run";
import { labNotebooks } from "../../../src/tools/project-paths";
import { maskVolatile } from "../jupyter/mask";

const STEP_TIMEOUT_MS = 120_000;
/** Starting a kernel on busy shared cores can take far longer than tslab's usual second. */
const KERNEL_START_TIMEOUT_MS = 120_000;
const notebooks = labNotebooks();
const lab = notebooks.find((path) => basename(path) === "04-sdk-batch.ipynb") ?? "";

function codeCells(path: string): CodeCell[] {
  return parseNotebook(readFileSync(path, "utf8")).cells.filter((cell): cell is CodeCell => cell.cell_type === "code");
}

function cellSource(path: string, id: string): string {
  const cell = codeCells(path).find((candidate) => candidate.id === id);
  if (cell === undefined) throw new Error(`${basename(path)} has no code cell "${id}"`);
  return cell.source;
}

/** A cell's outputs as text lines, without the trailing empty line. */
function lines(result: ExecuteResult): string[] {
  return outputsToText(result.outputs).replace(/\n$/, "").split("\n");
}

/** Runs a cell after waiting out tslab's abort window, so one failure never aborts the next cell. */
async function run(kernel: TslabKernel, source: string): Promise<ExecuteResult> {
  await new Promise((resolve) => setTimeout(resolve, ABORT_WINDOW_MS));
  return kernel.execute(source, { timeoutMs: STEP_TIMEOUT_MS });
}

/**
 * A new kernel. tslab sometimes answers the first request while its sockets are still binding,
 * and then never answers (zeromq's EBUSY); such a start is tried once more, since what is under
 * test is the cell run in the kernel, not tslab's start-up.
 */
async function freshKernel(cwd: string): Promise<TslabKernel> {
  try {
    return await TslabKernel.start({ cwd, startTimeoutMs: KERNEL_START_TIMEOUT_MS });
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    return TslabKernel.start({ cwd, startTimeoutMs: KERNEL_START_TIMEOUT_MS });
  }
}

async function runOnce(cwd: string, source: string): Promise<ExecuteResult> {
  const kernel = await freshKernel(cwd);
  try {
    return await kernel.execute(source, { timeoutMs: STEP_TIMEOUT_MS });
  } finally {
    await kernel.shutdown();
  }
}

/**
 * One cell on a new kernel. The start-up race above can also leave a kernel that took the cell and
 * never answers (a KernelError: stuck, not an error the cell printed); that cell is run once more on
 * another new kernel. A cell's own failure is a result, never retried.
 */
async function runOnFreshKernel(cwd: string, source: string): Promise<ExecuteResult> {
  try {
    return await runOnce(cwd, source);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    return runOnce(cwd, source);
  }
}

/** Cells that need nothing from an earlier step; every other step needs step 1's containers. */
const SELF_STANDING: Record<string, string[]> = {
  "04-sdk-batch.ipynb": ["connect", "products"],
  "05-batch-deep-dive.ipynb": ["setup"],
};

describe.each(notebooks.map((path) => [basename(path), path]))(
  "%s, each step first on a fresh kernel",
  (name, path) => {
    const results = new Map<string, ExecuteResult>();

    beforeAll(async () => {
      // One kernel at a time: each is a real process with its own emulator, on shared cores.
      for (const cell of codeCells(path)) {
        results.set(cell.id, await runOnFreshKernel(dirname(path), cell.source));
      }
    }, 1_800_000);

    it("works when it needs nothing, and otherwise says in one line to run step 1 first", () => {
      const seen = Object.fromEntries(
        [...results].map(([id, result]) => [id, result.status === "ok" ? "ok" : lines(result)]),
      );
      const expected = Object.fromEntries(
        codeCells(path).map((cell) =>
          SELF_STANDING[name]?.includes(cell.id)
            ? [cell.id, "ok"]
            : [
                cell.id,
                [expect.stringMatching(/^Run step 1 first: it creates the container "[\w-]+" in the database/)],
              ],
        ),
      );
      expect(seen).toEqual(expected);
    });
  },
);

describe("the lab in one kernel, out of order and edited", () => {
  let kernel: TslabKernel;
  const original = cellSource(lab, "errant-batch");
  const edited = original.replace(
    '{ operationType: "Create", resourceBody: helmet }',
    '{ operationType: "Create", resourceBody: { ...helmet, categoryId: usedAccessories } }',
  );

  beforeAll(async () => {
    kernel = await TslabKernel.start({ cwd: dirname(lab), startTimeoutMs: KERNEL_START_TIMEOUT_MS });
    expect((await run(kernel, cellSource(lab, "connect"))).status).toBe("ok");
  }, STEP_TIMEOUT_MS);

  afterAll(async () => {
    await kernel?.shutdown();
  });

  it("says in one line to run step 4 first when the read-back comes before any batch", async () => {
    const readBack = await run(kernel, cellSource(lab, "rollback-proof"));
    expect(readBack.status).toBe("error");
    expect(lines(readBack)).toEqual([
      "Run step 4 first: this step checks the partition against what that step's batch reported, " +
        "and no batch has reported on it in this kernel yet.",
    ]);
  });

  it("commits the edited errant batch, the same way twice, and the read-back calls it consistent", async () => {
    expect(edited).not.toBe(original);
    const first = await run(kernel, edited);
    const second = await run(kernel, edited);
    expect([first.status, second.status]).toEqual(["ok", "ok"]);
    // The same answer both times, but for the ids and ETags the service gives each new item.
    expect(maskVolatile(outputsToText(second.outputs))).toBe(maskVolatile(outputsToText(first.outputs)));
    const text = outputsToText(first.outputs);
    expect(text).toContain("Batch answered HTTP 200\n");
    expect(text).toContain("No operation failed.\n");
    expect(text).toContain("Committed: all 2 operations succeeded and were written together");

    const readBack = await run(kernel, cellSource(lab, "rollback-proof"));
    expect(readBack.status).toBe("ok");
    expect(lines(readBack).at(-1)).toBe(
      "Consistent: the batch reported committed, and every item it wrote is stored (012B, 012C).",
    );
  });

  it("rolls the original batch back after the edit is undone, and the read-back calls that consistent", async () => {
    const errant = await run(kernel, original);
    expect(errant.status).toBe("ok");
    expect(outputsToText(errant.outputs)).toContain("Operation 1 failed the batch.\n");
    const readBack = await run(kernel, cellSource(lab, "rollback-proof"));
    expect(lines(readBack).at(-1)).toBe(
      "Consistent: the batch reported rolled back, and no item it would have written is stored (012B, 012C).",
    );
    expect(outputsToText(readBack.outputs)).not.toContain("012B │");
  });

  it("prints a failing SDK call as one line, and in full after errorDetail(true)", async () => {
    const conflict = [
      'import { openLab, labProducts } from "../dist/workbook";',
      "const { container } = await openLab();",
      "await container.items.upsert({ ...labProducts.saddle });",
      "await container.items.create({ ...labProducts.saddle });",
    ].join("\n");
    const oneLine = await run(kernel, conflict);
    expect(oneLine.status).toBe("error");
    expect(lines(oneLine)).toEqual([
      "Cosmos DB answered 409 Conflict: Entity with the specified id already exists in the system.",
    ]);

    const detail = await run(kernel, 'import { errorDetail } from "../dist/workbook";\nerrorDetail(true);');
    expect(lines(detail)).toEqual(["Errors now print in full, with stack and diagnostics."]);
    const full = await run(kernel, conflict);
    expect(full.status).toBe("error");
    expect(lines(full).length).toBeGreaterThan(20);

    await run(kernel, 'import { errorDetail } from "../dist/workbook";\nerrorDetail(false);');
    expect(lines(await run(kernel, conflict))).toHaveLength(1);
  });

  it("prints a mistake in the learner's own code as one line that names the error", async () => {
    const typo = await run(kernel, "const response: any = undefined;\nresponse.result.forEach(() => {});");
    expect(typo.status).toBe("error");
    expect(lines(typo)).toEqual([
      "TypeError: Cannot read properties of undefined (reading 'result') (errorDetail(true) shows the full error)",
    ]);
  });
});
