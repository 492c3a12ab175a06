/**
 * One data folder, one emulator. Two emulators on one folder would each rewrite the journal at
 * start-up and append to files the other has replaced, losing acknowledged writes; so the first
 * one takes `emulator.lock`, a file naming its process, host and start time, and any other is
 * refused with a message saying who holds the folder.
 *
 * The file is created exclusively (`wx`), so two emulators starting at once cannot both win. A
 * lock left behind by a process that no longer runs (after `kill -9`, a crash, a power cut) is
 * stale: the next emulator on the same host takes it over. A lock from another host cannot be
 * checked from here, so it is refused with the file's path to remove once that host is known to
 * be done.
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export const LOCK_FILE = "emulator.lock";

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface DataFolderLock {
  holder: LockHolder;
  /** Removes the lock file, if it is still this emulator's. */
  release(): void;
}

export class DataFolderInUseError extends Error {
  constructor(
    readonly dataPath: string,
    readonly holder: LockHolder,
  ) {
    super(inUseMessage(dataPath, holder));
    this.name = "DataFolderInUseError";
  }
}

function inUseMessage(dataPath: string, holder: LockHolder): string {
  const who = `process ${holder.pid} on ${holder.host}, started ${holder.startedAt}`;
  if (holder.host !== hostname()) {
    return `The data folder ${dataPath} is locked by an emulator on another host (${who}). Stop that emulator, or remove ${path.join(dataPath, LOCK_FILE)} once you are sure it has stopped; or choose another data folder.`;
  }
  return `The data folder ${dataPath} is in use by another emulator (${who}). Two emulators on one folder would lose each other's writes: stop that one, or choose another data folder.`;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function holderOf(text: string): LockHolder {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string" && typeof parsed.startedAt === "string") {
      return { pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt };
    }
  } catch {
    // fall through
  }
  // Half-written (its writer died between create and write): nobody holds it.
  return { pid: -1, host: hostname(), startedAt: "unknown" };
}

/**
 * Removes the stale lock `staleText` was read from, and only that one: two emulators may find the
 * same stale lock, and the slower must not delete the lock the faster has just taken. The file is
 * moved aside atomically first; if what moved is not the stale lock, it is put back.
 */
function removeStale(file: string, staleText: string): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return; // someone else removed it
    throw error;
  }
  if (readText(aside) !== staleText) {
    try {
      linkSync(aside, file);
    } catch (error) {
      // EEXIST: a third emulator took the folder meanwhile; the next attempt reports it.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(aside, { force: true });
    }
    return;
  }
  rmSync(aside, { force: true });
}

const isStale = (holder: LockHolder): boolean => holder.host === hostname() && !isRunning(holder.pid);

/** Takes the data folder's lock, taking over a stale one; throws `DataFolderInUseError` when it is held. */
export function lockDataFolder(dataPath: string): DataFolderLock {
  const file = path.join(dataPath, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const content = `${JSON.stringify(holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, content, { flag: "wx" });
      return { holder, release: () => releaseIfOurs(file, content) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const staleText = readText(file);
    const current = staleText === undefined ? undefined : holderOf(staleText);
    if (current && !isStale(current)) throw new DataFolderInUseError(dataPath, current);
    if (staleText !== undefined) removeStale(file, staleText);
  }
  throw new Error(`Could not take the lock ${file}: it keeps changing. Is another emulator starting on it?`);
}

function releaseIfOurs(file: string, content: string): void {
  try {
    if (readFileSync(file, "utf8") === content) rmSync(file, { force: true });
  } catch {
    // Already gone: nothing to release.
  }
}
