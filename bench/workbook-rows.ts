/**
 * The workbook: the lab notebook in the real tslab kernel against a bare notebook with as many
 * trivial cells, in the same run and interleaved, so the kernel's own cost is visible beside ours.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
    for (let round = 0; round < rounds; round++) {
      labReports.push(await run(LAB));
      bareReports.push(await run(bare));
      npmLab.push(await wallTime("npm", ["run", "lab", "--silent"]));
      bareCli.push(await wallTime(process.execPath, ["dist/tools/notebook/notebook-cli.js", "run", bare, "--quiet"]));
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
