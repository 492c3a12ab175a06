/**
 * Durable storage for `dataPath`: a snapshot plus an append-only journal.
 *
 * - Every commit (one item write, one whole batch, one metadata change) is ONE line of the
 *   journal, written and fsynced before the change becomes visible or is acknowledged. A batch is
 *   therefore on disk entirely or not at all.
 * - A `kill -9` can leave at most a torn last line, which was never acknowledged: replay ignores it.
 * - On start the emulator replays snapshot + journal, then writes a fresh snapshot
 *   (write, fsync, rename) and empties the journal, so start-up time does not grow forever.
 *   Replaying a journal on top of a snapshot that already contains it is harmless: every record
 *   states final values (put this item, delete that id), never increments.
 * Nothing is read from disk while serving requests.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Journal, Mutation, Store } from "./store";

const SNAPSHOT_FILE = "snapshot.json";
const JOURNAL_FILE = "journal.jsonl";

/** Keeps nothing: the emulator without `dataPath`. */
export const memoryJournal: Journal = { append: async () => undefined };

interface Snapshot {
  version: 1;
  mutations: Mutation[];
}

/** The store's whole state as the mutations that rebuild it. */
function snapshotOf(store: Store): Snapshot {
  const mutations: Mutation[] = [];
  for (const database of store.databases.values()) {
    mutations.push({ type: "putDatabase", database: database.resource });
    for (const container of database.containers.values()) {
      const databaseId = database.resource.id;
      mutations.push({ type: "putContainer", databaseId, container: container.resource });
      for (const [partitionKey, partition] of container.partitions) {
        mutations.push({
          type: "writePartition",
          databaseId,
          containerId: container.id,
          partitionKey,
          put: [...partition.values()],
          delete: [],
        });
      }
    }
  }
  for (const offer of store.offers.values()) mutations.push({ type: "putOffer", offer });
  return { version: 1, mutations };
}

function writeFileDurably(file: string, content: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  // Make the rename itself durable.
  const directory = openSync(path.dirname(file), "r");
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

function replayJournal(store: Store, text: string): void {
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let mutations: Mutation[];
    try {
      mutations = JSON.parse(line) as Mutation[];
    } catch (error) {
      // Only the last line can be torn (a crash mid-append, never acknowledged); anything else is damage.
      if (index >= lines.length - 2) return;
      throw new Error(`The emulator journal is damaged at line ${index + 1}: ${(error as Error).message}`);
    }
    for (const mutation of mutations) store.apply(mutation);
  }
}

/** Loads `dataPath` into the store, compacts it, and returns the journal that appends to it. */
export async function openDataDirectory(store: Store, dataPath: string): Promise<Journal & { close(): Promise<void> }> {
  mkdirSync(dataPath, { recursive: true });
  const snapshotPath = path.join(dataPath, SNAPSHOT_FILE);
  const journalPath = path.join(dataPath, JOURNAL_FILE);
  if (existsSync(snapshotPath)) {
    const snapshot = JSON.parse(readFileSync(snapshotPath, "utf8")) as Snapshot;
    for (const mutation of snapshot.mutations) store.apply(mutation);
  }
  if (existsSync(journalPath)) replayJournal(store, readFileSync(journalPath, "utf8"));
  writeFileDurably(snapshotPath, JSON.stringify(snapshotOf(store)));
  writeFileDurably(journalPath, "");

  const handle: FileHandle = await open(journalPath, "a");
  let tail: Promise<void> = Promise.resolve();
  return {
    // Appends are chained so lines never interleave; each resolves only after its fsync.
    append(mutations: Mutation[]): Promise<void> {
      const line = `${JSON.stringify(mutations)}\n`;
      const done = tail.then(async () => {
        await handle.write(line);
        await handle.datasync();
      });
      tail = done.catch(() => undefined);
      return done;
    },
    async close(): Promise<void> {
      await tail;
      await handle.close();
    },
  };
}
