/**
 * The journal's group commit on a real file: commits that arrive together share one fsync and
 * none resolves before its fsync; and after a failed append (here a disk that fills up halfway
 * through a line) the journal refuses every further write with one clear 503 instead of writing
 * after a partial line, and the data directory still opens.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CosmosError } from "../../src/emulator/cosmos-error";
import { GroupCommitJournal, type JournalFile, openDataDirectory } from "../../src/emulator/store/persistence";
import { type Mutation, Store } from "../../src/emulator/store/store";

const putDatabase = (id: string): Mutation[] => [
  {
    type: "putDatabase",
    database: { id, _rid: id, _self: `dbs/${id}/`, _etag: `"${id}"`, _ts: 1, _colls: "colls/", _users: "users/" },
  },
];

let folders: string[] = [];
afterEach(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders = [];
});

/** A data directory holding an empty journal, as `openDataDirectory` leaves it. */
async function dataDirectory(): Promise<{ dataPath: string; journalPath: string }> {
  const dataPath = mkdtempSync(path.join(tmpdir(), "journal-"));
  folders.push(dataPath);
  const journal = await openDataDirectory(new Store({ append: async () => undefined }), dataPath);
  await journal.close();
  return { dataPath, journalPath: path.join(dataPath, "journal.jsonl") };
}

/** The journal file, with counts of its appends and completed fsyncs; `failOnAppend` makes that append write half its text, then fail. */
async function journalFileAt(journalPath: string, failOnAppend?: number) {
  const handle = await open(journalPath, "a");
  const file = {
    appends: 0,
    fsyncs: 0,
    async appendDurably(text: string) {
      file.appends += 1;
      if (file.appends === failOnAppend) {
        await handle.write(text.slice(0, Math.floor(text.length / 2)));
        throw new Error("ENOSPC: no space left on device, write");
      }
      await handle.write(text);
      await handle.datasync();
      file.fsyncs += 1;
    },
    truncate: (size: number) => handle.truncate(size),
    close: () => handle.close(),
  } satisfies JournalFile & { appends: number; fsyncs: number };
  return file;
}

async function reopened(dataPath: string): Promise<string[]> {
  const store = new Store({ append: async () => undefined });
  const journal = await openDataDirectory(store, dataPath);
  await journal.close();
  return [...store.databases.keys()];
}

describe("the journal's group commit", () => {
  it("lets commits that arrive during an fsync share the next one, in order, each resolved only after its fsync", async () => {
    const { journalPath } = await dataDirectory();
    const file = await journalFileAt(journalPath);
    const journal = new GroupCommitJournal(file, 0);
    const fsyncsSeenAtResolution: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        journal.append(putDatabase(`db${i}`)).then(() => fsyncsSeenAtResolution.push(file.fsyncs)),
      ),
    );
    await journal.close();
    expect(file.appends).toBe(2); // the first alone, the 19 that queued behind it together
    expect(fsyncsSeenAtResolution).toEqual([1, ...Array(19).fill(2)]);
    const lines = readFileSync(journalPath, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as Mutation[])[0])).toEqual(
      Array.from({ length: 20 }, (_, i) => putDatabase(`db${i}`)[0]),
    );
  });

  it("stops after a failed append with one clear 503, cuts the partial line off, and the directory opens again", async () => {
    const { dataPath, journalPath } = await dataDirectory();
    const file = await journalFileAt(journalPath, 2);
    const journal = new GroupCommitJournal(file, 0);
    await journal.append(putDatabase("kept"));

    const failed = journal.append(putDatabase("lost"));
    await expect(failed).rejects.toBeInstanceOf(CosmosError);
    await expect(failed).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining("could not write its journal (ENOSPC: no space left on device, write)"),
    });
    const later = journal.append(putDatabase("refused"));
    await expect(later).rejects.toMatchObject({
      status: 503,
      message: expect.stringContaining("restart the emulator"),
    });
    expect(file.appends).toBe(2); // nothing was written after the failure
    await journal.close();

    expect(readFileSync(journalPath, "utf8")).toBe(`${JSON.stringify(putDatabase("kept"))}\n`);
    expect(await reopened(dataPath)).toEqual(["kept"]);
  });

  it("refuses a journal damaged in the middle, which is what appending after a partial line would make", async () => {
    const { dataPath, journalPath } = await dataDirectory();
    appendFileSync(
      journalPath,
      `${JSON.stringify(putDatabase("one")).slice(0, 20)}${JSON.stringify(putDatabase("two"))}\n\n`,
    );
    await expect(reopened(dataPath)).rejects.toThrow(/^The emulator journal is damaged at line 1:/);
  });
});
