/** runNotebook against the fixtures, all in one shared kernel (as a learner re-running a notebook would). */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TslabKernel } from "../../../src/tools/notebook/kernel";
import { parseNotebook, serializeNotebook, type CodeCell } from "../../../src/tools/notebook/nbformat";
import { outputsToText } from "../../../src/tools/notebook/outputs";
import {
  ABORT_WINDOW_MS,
  cellText,
  executedNotebook,
  failureSummary,
  runNotebook,
  type CellProgress,
  type RunReport,
} from "../../../src/tools/notebook/run";

const fixtures = join(__dirname, "fixtures");
const basics = join(fixtures, "basics.ipynb");
const failing = join(fixtures, "failing.ipynb");
let kernel: TslabKernel;
let firstRun: RunReport;
const progress: CellProgress[] = [];

beforeAll(async () => {
  kernel = await TslabKernel.start({ cwd: fixtures });
  firstRun = await runNotebook(basics, { kernel, onCell: (event) => progress.push(event) });
});

afterAll(async () => {
  await kernel?.shutdown();
});

const statusById = (report: RunReport) => Object.fromEntries(report.cells.map((cell) => [cell.id, cell.status]));

describe("runNotebook", () => {
  it("runs every code cell in order and reports each by index and id", () => {
    expect(statusById(firstRun)).toEqual({
      print: "ok",
      display: "ok",
      declare: "ok",
      redeclare: "ok",
      skipped: "skipped",
      "expected-error": "expected-error",
      "after-expected": "ok",
      "last-value": "ok",
    });
    expect(firstRun.ok).toBe(true);
    expect(firstRun.failures).toEqual([]);
    expect(firstRun.cells.map((cell) => cell.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(firstRun.cells.some((cell) => cell.retriedAfterAbort)).toBe(false); // the runner waited instead
    expect(firstRun.kernelStartupMs).toBeUndefined(); // the kernel was ours, not the run's
  });

  it("captures each cell's output as text", () => {
    expect(cellText(firstRun, "print")).toBe("hello from tslab\n");
    expect(cellText(firstRun, "display")).toBe("id\tname\n1\tRoad bike\n");
    expect(cellText(firstRun, "declare")).toBe("41\n");
    expect(cellText(firstRun, "redeclare")).toBe("answer is 42\n");
    expect(cellText(firstRun, "expected-error")).toContain("Error: expected failure");
    expect(cellText(firstRun, "last-value")).toBe("[ 2, 4, 6 ]\n");
  });

  it("runs the cell right after a raises-exception cell instead of letting tslab abort it", () => {
    const after = firstRun.cells.find((cell) => cell.id === "after-expected")!;
    expect(after.status).toBe("ok");
    expect(outputsToText(after.outputs)).toBe("ran right after the expected error\n");
  });

  it("never sends a skip-execution cell", () => {
    expect(cellText(firstRun, "skipped")).toBe("");
    expect(firstRun.cells.find((cell) => cell.id === "skipped")?.executionCount).toBeNull();
  });

  it("announces each code cell before and after it runs", () => {
    expect(progress).toHaveLength(16);
    expect(progress[0]).toMatchObject({ phase: "started", index: 1, position: 1, total: 8 });
    expect(progress[1]).toMatchObject({ phase: "finished", position: 1, report: { id: "print", status: "ok" } });
  });

  it("fills outputs and execution counts into a notebook that can be written", () => {
    const executed = parseNotebook(serializeNotebook(executedNotebook(firstRun)));
    const byId = new Map(executed.cells.map((cell) => [cell.id, cell as CodeCell]));
    expect(byId.get("print")?.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "hello from tslab\n" }]);
    expect(byId.get("print")?.execution_count).toEqual(expect.any(Number));
    expect(byId.get("display")?.outputs[0]).toMatchObject({
      output_type: "display_data",
      data: { "text/html": expect.stringContaining("Road bike") },
    });
    expect(byId.get("skipped")).toMatchObject({ execution_count: null, outputs: [] });
    expect(executed.cells[0]?.cell_type).toBe("markdown");
  });

  it("runs the same notebook again in the same kernel", async () => {
    const secondRun = await runNotebook(basics, { kernel });
    expect(secondRun.ok).toBe(true);
    expect(statusById(secondRun)).toEqual(statusById(firstRun));
    expect(secondRun.cells[0]!.executionCount!).toBeGreaterThan(firstRun.cells.at(-1)!.executionCount!);
  });

  it("re-runs a single cell later and sees the state the notebook left", async () => {
    const result = await kernel.execute("answer + 1");
    expect(outputsToText(result.outputs)).toBe("43\n");
  });

  it("fails on an unexpected error, names the cell, and reports later cells as not run", async () => {
    const report = await runNotebook(failing, { kernel });
    expect(report.ok).toBe(false);
    expect(report.failures.map((cell) => [cell.id, cell.status])).toEqual([["boom", "error"]]);
    expect(failureSummary(report.failures[0]!)).toContain("Error: boom in the middle");
    expect(failureSummary(report.failures[0]!)).not.toMatch(/node_modules[\\/]tslab/);
    const after = report.cells.find((cell) => cell.id === "after")!;
    expect(after).toMatchObject({ status: "not-run", passed: false, outputs: [] });
  });

  it("with stopOnError false, still fails the run but really runs the cells after the error", async () => {
    const report = await runNotebook(failing, { kernel, stopOnError: false });
    expect(report.ok).toBe(false);
    expect(report.failures.map((cell) => cell.id)).toEqual(["boom"]);
    expect(cellText(report, "after")).toBe("after the failure\n");
  });

  describe("when a cell still meets tslab's abort window (simulated: the runner is made to forget the last error)", () => {
    const forgetErrors = (event: CellProgress) => {
      if (event.phase === "finished") kernel.lastErrorReplyAt = undefined;
    };
    // The runner no longer knows about the last error, so the next test must not meet its window.
    afterAll(() => new Promise((resolve) => setTimeout(resolve, ABORT_WINDOW_MS)));

    it("sends a cell once more, visibly, when the failure before it was an expected one", async () => {
      const report = await runNotebook(basics, { kernel, onCell: forgetErrors });
      const after = report.cells.find((cell) => cell.id === "after-expected")!;
      expect(after).toMatchObject({ status: "ok", retriedAfterAbort: true });
      expect(outputsToText(after.outputs)).toBe("ran right after the expected error\n");
      expect(report.cells.filter((cell) => cell.retriedAfterAbort).map((cell) => cell.id)).toEqual(["after-expected"]);
    });

    it("never retries after an unexpected failure: the aborted cell is a failure of its own", async () => {
      const report = await runNotebook(failing, { kernel, stopOnError: false, onCell: forgetErrors });
      expect(report.failures.map((cell) => [cell.id, cell.status])).toEqual([
        ["boom", "error"],
        ["after", "abort"],
      ]);
      expect(failureSummary(report.failures[1]!)).toContain("tslab issue #19");
    });
  });

  it("reports a cell that overruns the timeout as timed out", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "runner-timeout-"));
    const path = join(dir, "slow.ipynb");
    const slow = {
      cell_type: "code",
      id: "slow",
      metadata: {},
      source: "await new Promise((r) => setTimeout(r, 30_000));",
      outputs: [],
      execution_count: null,
    };
    await writeFile(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [slow] }));
    const report = await runNotebook(path, { kernel, cellTimeoutMs: 300 });
    expect(report.ok).toBe(false);
    expect(report.failures.map((cell) => [cell.id, cell.status])).toEqual([["slow", "timeout"]]);
  });
});
