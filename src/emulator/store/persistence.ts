/**
 * Durable storage for `dataPath`: a snapshot plus an append-only journal.
 *
 * - Every commit (one item write, one whole batch, one metadata change) is ONE line of the
 *   journal, written and fsynced before the change becomes visible or is acknowledged. A batch is
 *   therefore on disk entirely or not at all. Commits that arrive together share one fsync
 *   (`GroupCommitJournal`).
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
import { CosmosError } from "../cosmos-error";
import type { Journal, Mutation, Store } from "./store";
import { toJson } from "./serialized-json";

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
      const ranges = container.partitionKeyRanges;
      mutations.push({ type: "putPartitionKeyRanges", databaseId, containerId: container.id, ranges });
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
  // Make the rename itself durable. Windows refuses to flush a folder (EPERM); NTFS journals the
  // rename itself, so there is nothing to add there.
  if (process.platform === "win32") return;
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

/** Where journal lines go: a file opened for appending, or a test's stand-in that fails on purpose. */
export interface JournalFile {
  /** Appends `text` and returns once it is on disk (written and fsynced). */
  appendDurably(text: string): Promise<void>;
  /** Cuts the file back to `size` bytes, dropping a partly written line. */
  truncate(size: number): Promise<void>;
  close(): Promise<void>;
}

function journalFile(handle: FileHandle): JournalFile {
  return {
    async appendDurably(text) {
      await handle.write(text);
      await handle.datasync();
    },
    truncate: (size) => handle.truncate(size),
    close: () => handle.close(),
  };
}

interface PendingCommit {
  line: string;
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: commits that arrive while a write and fsync are under way wait together and share
 * the next one, so callers are not queued behind one fsync each. None is acknowledged before the
 * fsync that carries it returns.
 *
 * After a failed write the journal stops: its end may hold part of a line, and appending after it
 * would put a damaged line in the middle of the journal, which the next start must refuse. The
 * failed commits and every later one are refused with one clear error, memory never gets ahead of
 * the disk, and the partial line is cut off so the next start reads the journal cleanly.
 */
export class GroupCommitJournal implements Journal {
  private waiting: PendingCommit[] = [];
  private writing: Promise<void> | undefined;
  private failure: CosmosError | undefined;

  constructor(
    private readonly file: JournalFile,
    /** Bytes of whole lines in the file: where to cut back to after a failed write. */
    private durableBytes: number,
  ) {}

  append(mutations: Mutation[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const line = `${toJson(mutations)}\n`;
    return new Promise((resolve, reject) => {
      this.waiting.push({ line, bytes: Buffer.byteLength(line), resolve, reject });
      this.writing ??= this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    while (this.waiting.length > 0 && !this.failure) {
      const group = this.waiting;
      this.waiting = [];
      try {
        await this.file.appendDurably(group.map((commit) => commit.line).join(""));
        for (const commit of group) this.durableBytes += commit.bytes;
        for (const commit of group) commit.resolve();
      } catch (error) {
        await this.stop(error as Error, [...group, ...this.waiting]);
      }
    }
    this.writing = undefined;
  }

  private async stop(cause: Error, refused: PendingCommit[]): Promise<void> {
    this.failure = new CosmosError(
      503,
      `The emulator could not write its journal (${cause.message}) and stopped accepting writes so that what it serves never differs from what is on disk. Fix the cause (disk space, permissions), then restart the emulator: every acknowledged write is kept.`,
    );
    this.waiting = [];
    for (const commit of refused) commit.reject(this.failure);
    await this.file.truncate(this.durableBytes).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.writing;
    await this.file.close();
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
  writeFileDurably(snapshotPath, toJson(snapshotOf(store)));
  writeFileDurably(journalPath, "");
  return new GroupCommitJournal(journalFile(await open(journalPath, "a")), 0);
}
