/**
 * `kill -9` cycles against the real emulator process, with an account of every write.
 *
 * Each cycle starts `node dist/emulator/emulator-cli.js` on the same data folder (taking over the
 * stale lock the previous, killed process left), checks everything acknowledged so far is there,
 * lets several clients write batches as fast as they can, and sends SIGKILL at a random moment.
 * The contract: every acknowledged batch is found whole after the restart; a batch whose answer
 * was lost with the process is found whole or not at all, never in part.
 */
import type { Container, CosmosClient, OperationInput } from "@azure/cosmos";
import { WELL_KNOWN_EMULATOR_KEY } from "../../../src/emulator/index";
import { startEmulatorProcess } from "./emulator-process";

export interface KillCycleOptions {
  dataPath: string;
  cycles: number;
  writers: number;
  /** The kill comes at a random moment between these, after the writers start (ms). */
  killBetweenMs: [number, number];
  /** For reproducible runs. */
  random?: () => number;
}

export interface KillCycleReport {
  cycles: number;
  batchesAcknowledged: number;
  /** Acknowledged writes (items) found after the restarts: must equal `writesAcknowledged`. */
  writesAcknowledged: number;
  writesFound: number;
  /** Batches whose answer was lost with the process, found whole after the restart. */
  unansweredFoundWhole: number;
  /** Batches whose answer was lost with the process, found not at all. */
  unansweredAbsent: number;
  /** Each finding that breaks the contract (empty when it held). */
  violations: string[];
}

const CATEGORY = "kill-cycles";
const BATCH_SIZE = 3;

interface SentBatch {
  ids: string[];
  acknowledged: boolean;
}

async function labContainer(client: CosmosClient): Promise<Container> {
  const { database } = await client.databases.createIfNotExists({ id: "reliability" });
  const { container } = await database.containers.createIfNotExists({
    id: "kills",
    partitionKey: { paths: ["/categoryId"] },
  });
  return container;
}

/** Writes batches until the process dies; every batch sent is recorded with whether it was acknowledged. */
async function writeUntilKilled(container: Container, writer: string, sent: SentBatch[]): Promise<void> {
  for (let n = 0; ; n++) {
    const ids = Array.from({ length: BATCH_SIZE }, (_, i) => `${writer}-${n}-${i}`);
    const operations: OperationInput[] = ids.map((id) => ({
      operationType: "Create",
      resourceBody: { id, categoryId: CATEGORY, payload: "x".repeat(200) },
    }));
    const batch: SentBatch = { ids, acknowledged: false };
    sent.push(batch);
    try {
      const response = await container.items.batch(operations, CATEGORY);
      batch.acknowledged = response.code === 200;
      if (!batch.acknowledged) return;
    } catch {
      return; // the process is gone: this batch's fate is unknown
    }
  }
}

async function storedIds(container: Container): Promise<Set<string>> {
  const { resources } = await container.items
    .query<{ id: string }>("SELECT c.id FROM c", { partitionKey: CATEGORY })
    .fetchAll();
  return new Set(resources.map((r) => r.id));
}

/** Checks every batch sent so far against what the restarted emulator holds. */
function account(sent: SentBatch[], found: Set<string>, report: KillCycleReport): void {
  report.batchesAcknowledged = 0;
  report.writesAcknowledged = 0;
  report.writesFound = 0;
  report.unansweredFoundWhole = 0;
  report.unansweredAbsent = 0;
  for (const batch of sent) {
    const present = batch.ids.filter((id) => found.has(id)).length;
    if (batch.acknowledged) {
      report.batchesAcknowledged += 1;
      report.writesAcknowledged += batch.ids.length;
      report.writesFound += present;
      if (present !== batch.ids.length)
        report.violations.push(`acknowledged batch ${batch.ids[0]} lost ${batch.ids.length - present} writes`);
    } else if (present === batch.ids.length) report.unansweredFoundWhole += 1;
    else if (present === 0) report.unansweredAbsent += 1;
    else report.violations.push(`unanswered batch ${batch.ids[0]} is half there (${present} of ${batch.ids.length})`);
  }
}

export async function runKillCycles(options: KillCycleOptions): Promise<KillCycleReport> {
  const random = options.random ?? Math.random;
  const sent: SentBatch[] = [];
  const report: KillCycleReport = {
    cycles: 0,
    batchesAcknowledged: 0,
    writesAcknowledged: 0,
    writesFound: 0,
    unansweredFoundWhole: 0,
    unansweredAbsent: 0,
    violations: [],
  };
  const args = ["--port", "0", "--data-path", options.dataPath];
  for (let cycle = 0; cycle < options.cycles; cycle++) {
    const running = await startEmulatorProcess(args);
    try {
      const client = running.client(WELL_KNOWN_EMULATOR_KEY);
      const container = await labContainer(client);
      account(sent, await storedIds(container), report);
      const writers = Array.from({ length: options.writers }, (_, w) =>
        writeUntilKilled(container, `c${cycle}w${w}`, sent),
      );
      const [low, high] = options.killBetweenMs;
      await new Promise((resolve) => setTimeout(resolve, low + random() * (high - low)));
      await running.kill9();
      await Promise.all(writers);
      client.dispose();
      report.cycles += 1;
    } finally {
      await running.kill9();
    }
  }
  // The last account: one more start, after the last kill.
  const final = await startEmulatorProcess(args);
  try {
    const client = final.client(WELL_KNOWN_EMULATOR_KEY);
    account(sent, await storedIds(await labContainer(client)), report);
    client.dispose();
  } finally {
    await final.kill9();
  }
  return report;
}
