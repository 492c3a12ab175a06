/**
 * The processes a test run starts (emulators, tslab kernels, Jupyter and its Python helpers) carry
 * a marker in their environment, inherited from the run; after the run, any process still
 * carrying it was left behind. Other runs on the same machine carry other markers, so they are
 * never mistaken for ours. Found through /proc (Linux; elsewhere nothing can be checked).
 */
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const SUITE_MARKER = "COSMOS_WORKBOOK_TEST_RUN";

/** What counts as a process the suite started and must stop (not the test runner's own workers). */
const SUITE_PROCESS = /emulator-cli|tslab|jupyter|ipykernel|nbclient|execute_notebook|chrom/;

/** Marks this run: every process started from here on inherits the marker. */
export function markSuiteRun(): string {
  process.env[SUITE_MARKER] ??= randomUUID();
  return process.env[SUITE_MARKER];
}

export interface SuiteProcess {
  pid: number;
  command: string;
}

/** The processes still alive that carry `marker` and look like what the suite starts. */
export function processesCarrying(marker: string): SuiteProcess[] {
  if (!existsSync("/proc/self/environ")) return [];
  const found: SuiteProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environment = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!environment.includes(`${SUITE_MARKER}=${marker}`)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      const state = /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
      if (state !== "Z" && SUITE_PROCESS.test(command)) found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
