/**
 * Crashes and operator mistakes against the real emulator process (`node dist/emulator/emulator-cli.js`):
 * `kill -9` at random moments during writes, with an account of every acknowledged write; two
 * emulators on one data folder; a stale lock after `kill -9`; binding beyond loopback without a key.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulatorProcess, runEmulatorCli, type EmulatorProcess } from "./emulator-process";
import { runKillCycles } from "./kill-cycles";

const folders: string[] = [];
const running: EmulatorProcess[] = [];
const newFolder = (name: string): string => {
  const folder = mkdtempSync(path.join(tmpdir(), `${name}-`));
  folders.push(folder);
  return folder;
};
afterAll(async () => {
  for (const emulator of running) await emulator.kill9();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("kill -9 during writes", () => {
  it("loses no acknowledged write and never leaves half a batch, over 4 kill cycles", async () => {
    const report = await runKillCycles({
      dataPath: newFolder("kill-cycles"),
      cycles: 4,
      writers: 3,
      killBetweenMs: [150, 600],
    });
    console.log(`kill -9 cycles: ${JSON.stringify(report)}`);
    expect(report.violations).toEqual([]);
    expect(report.cycles).toBe(4);
    expect(report.writesAcknowledged).toBeGreaterThan(0);
    expect(report.writesFound).toBe(report.writesAcknowledged);
  }, 120_000);
});

describe("one data folder, one emulator", () => {
  it("refuses a second emulator on a folder in use, naming the holder's pid", async () => {
    const dataPath = newFolder("two-emulators");
    const first = await startEmulatorProcess(["--port", "0", "--data-path", dataPath]);
    running.push(first);
    const second = await runEmulatorCli(["--port", "0", "--data-path", dataPath]);
    expect(second.code).toBe(1);
    expect(second.output).toContain(
      `The emulator could not start: The data folder ${dataPath} is in use by another emulator (process ${first.pid} on `,
    );
    expect(second.output).toContain("stop that one, or choose another data folder");
  });

  it("takes over the stale lock of an emulator killed with kill -9", async () => {
    const dataPath = newFolder("stale-lock");
    const killed = await startEmulatorProcess(["--port", "0", "--data-path", dataPath]);
    await killed.kill9();
    const lockFile = path.join(dataPath, "emulator.lock");
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(killed.pid); // left behind
    const next = await startEmulatorProcess(["--port", "0", "--data-path", dataPath]);
    running.push(next);
    expect(JSON.parse(readFileSync(lockFile, "utf8")).pid).toBe(next.pid);
  });
});

describe("binding beyond loopback", () => {
  it("refuses --host 0.0.0.0 without a key of one's own, and says why", async () => {
    const refused = await runEmulatorCli(["--port", "0", "--host", "0.0.0.0"]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      "Listening on 0.0.0.0 makes the emulator reachable from other machines, and the well-known emulator key is public",
    );
    expect(refused.output).toContain("Give a key of your own (--key");
  });

  it("starts on 0.0.0.0 with --key, and says only that the given key is in use", async () => {
    const key = Buffer.alloc(64, 9).toString("base64");
    const started = await startEmulatorProcess(["--port", "0", "--host", "0.0.0.0", "--key", key]);
    running.push(started);
    expect(started.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
