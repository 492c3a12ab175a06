/**
 * The workbook: the lab notebook in the real tslab kernel against a bare notebook with as many
 * trivial cells, in the same run and interleaved, so the kernel's own cost is visible beside ours.
 *
 * Beside the kernel's figures, tslab's compile step alone: before it runs a cell, the kernel
 * type-checks and emits it against everything the cell (and every earlier one) can reach. Feeding
 * the same cells to tslab's converter in this process, without a kernel, an emulator or any
 * execution, shows how much of a cell's time that step is.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createConverter } from "tslab/dist/converter";
import { readNotebook, writeNotebook } from "../src/tools/notebook/nbformat";
import { runNotebook, type RunReport } from "../src/tools/notebook/run";
import type { BenchRow } from "./bench-table";
import { median } from "./statistics";

const ROOT = path.join(__dirname, "..");
const LAB = path.join(ROOT, "notebooks", "04-sdk-batch.ipynb");

/** The lab's code cells (same count, same tags) with `1 + 1` as their source. */
async function writeBareNotebook(folder: string): Promise<string> {
  const lab = await readNotebook(LAB);
  const file = path.join(folder, "bare.ipynb");
  await writeNotebook(file, {
    ...lab,
    cells: lab.cells.flatMap((cell) =>
      cell.cell_type === "code" ? [{ ...cell, source: "1 + 1", outputs: [], execution_count: null }] : [],
    ),
  });
  return file;
}

function wallTime(command: string, args: string[]): Promise<number> {
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve(performance.now() - startedAt)
        : reject(new Error(`${command} ${args.join(" ")} failed (${code}).`)),
    );
  });
}

async function run(notebook: string): Promise<RunReport> {
  const report = await runNotebook(notebook);
  if (!report.ok) throw new Error(`${path.basename(notebook)} failed in the benchmark: ${report.failures[0]?.status}`);
  return report;
}

/**
 * Milliseconds tslab's converter takes for each code cell of `notebook`, fed in order as the kernel
 * does (each cell sees the declarations the earlier ones left). A new converter per call, so the
 * first cell pays for reading the declarations it reaches, as in a new kernel. The converter
 * resolves imports from the working directory, as the kernel does from the notebook's folder.
 */
async function tslabCompileTimes(notebook: string): Promise<number[]> {
  const sources = (await readNotebook(notebook)).cells.flatMap((cell) =>
    cell.cell_type === "code" ? [cell.source] : [],
  );
  const workingDirectory = process.cwd();
  process.chdir(path.dirname(notebook));
  const converter = createConverter({ isJS: false, isBrowser: false });
  try {
    let earlierDeclarations = "";
    return sources.map((source) => {
      const startedAt = performance.now();
      const converted = converter.convert(earlierDeclarations, source);
      const elapsed = performance.now() - startedAt;
      if (converted.diagnostics.length > 0) {
        throw new Error(
          `tslab does not compile a cell of ${path.basename(notebook)}: ${converted.diagnostics[0]?.messageText}`,
        );
      }
      earlierDeclarations = converted.declOutput ?? "";
      return elapsed;
    });
  } finally {
    converter.close();
    process.chdir(workingDirectory);
  }
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

const firstLine = (source: string): string => {
  const line =
    source.split("\n").find((text) => text.trim() !== "" && !text.startsWith("//") && !text.startsWith("import")) ?? "";
  return line.length > 48 ? `${line.slice(0, 45)}...` : line;
};

export async function workbookRows(rounds: number, log: (line: string) => void): Promise<BenchRow[]> {
  const folder = mkdtempSync(path.join(tmpdir(), "bench-bare-"));
  try {
    const bare = await writeBareNotebook(folder);
    const labReports: RunReport[] = [];
    const bareReports: RunReport[] = [];
    const npmLab: number[] = [];
    const bareCli: number[] = [];
    const labCompiles: number[][] = [];
    const bareCompiles: number[][] = [];
    for (let round = 0; round < rounds; round++) {
      labReports.push(await run(LAB));
      bareReports.push(await run(bare));
      npmLab.push(await wallTime("npm", ["run", "lab", "--silent"]));
      bareCli.push(await wallTime(process.execPath, ["dist/tools/notebook/notebook-cli.js", "run", bare, "--quiet"]));
      labCompiles.push(await tslabCompileTimes(LAB));
      bareCompiles.push(await tslabCompileTimes(bare));
      log(`  workbook round ${round + 1} of ${rounds}`);
    }
    const section = "Workbook (tslab kernel, embedded emulator)";
    const pair: [string, string] = ["lab", "bare"];
    const both = (pick: (report: RunReport) => number) => ({
      lab: median(labReports.map(pick)),
      bare: median(bareReports.map(pick)),
    });
    const cellRows: BenchRow[] = (labReports[0]?.cells ?? [])
      .filter((cell) => cell.status !== "skipped")
      .map((cell, position) => ({
        section,
        name: `cell ${position + 1}: ${firstLine(cell.source)}`.replace(/\|/g, "\\|"),
        unit: "ms" as const,
        values: {
          lab: median(labReports.map((report) => report.cells.find((c) => c.id === cell.id)?.durationMs ?? Number.NaN)),
          bare: median(
            bareReports.map((report) => report.cells.find((c) => c.id === cell.id)?.durationMs ?? Number.NaN),
          ),
        },
        target:
          position === 0
            ? { text: "connect < 300 ms", met: (row: BenchRow) => (row.values.lab ?? 1e9) < 300 }
            : { text: "< 150 ms", met: (row: BenchRow) => (row.values.lab ?? 1e9) < 150 },
      }));
    const ranCells = (report: RunReport) => report.cells.filter((cell) => cell.status !== "skipped");
    const laterCellsInKernel = (report: RunReport) =>
      sum(
        ranCells(report)
          .slice(1)
          .map((cell) => cell.durationMs),
      );
    const compileRows: BenchRow[] = [
      {
        section,
        name: "cell 1: tslab's compile step alone (in-process, no kernel)",
        unit: "ms",
        values: {
          lab: median(labCompiles.map((times) => times[0] ?? Number.NaN)),
          bare: median(bareCompiles.map((times) => times[0] ?? Number.NaN)),
        },
      },
      {
        section,
        name: "later cells, sum: whole cells in the kernel",
        unit: "ms",
        values: both(laterCellsInKernel),
      },
      {
        section,
        name: "later cells, sum: tslab's compile step alone",
        unit: "ms",
        values: {
          lab: median(labCompiles.map((times) => sum(times.slice(1)))),
          bare: median(bareCompiles.map((times) => sum(times.slice(1)))),
        },
      },
    ];
    const atMostOneAndAHalf = {
      text: "lab ≤ 1.5× bare",
      met: (row: BenchRow) => (row.values.lab ?? 1e9) <= 1.5 * (row.values.bare ?? 0),
    };
    return [
      {
        section,
        name: "kernel start",
        unit: "ms",
        values: both((r) => r.kernelStartupMs ?? Number.NaN),
        ratioOf: pair,
      },
      ...cellRows,
      ...compileRows,
      {
        section,
        name: "notebook end to end (runner)",
        unit: "ms",
        values: both((r) => r.durationMs),
        ratioOf: pair,
        target: atMostOneAndAHalf,
      },
      {
        section,
        name: "`npm run lab` wall time (bare: the CLI alone)",
        unit: "ms",
        values: { lab: median(npmLab), bare: median(bareCli) },
        ratioOf: pair,
        target: atMostOneAndAHalf,
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
