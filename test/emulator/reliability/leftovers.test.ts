/**
 * The check behind the suite's teardown (test/global-setup.ts): a process the run started and
 * left running is found by the marker it inherited, and is no longer found once it has exited.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { markSuiteRun, processesCarrying } from "../../suite-processes";
import { startEmulatorProcess } from "./emulator-process";

describe.runIf(existsSync("/proc/self/environ"))("finding processes the suite left behind", () => {
  it("finds a running emulator started by the suite, and not after it was killed", async () => {
    const marker = markSuiteRun();
    const emulator = await startEmulatorProcess(["--port", "0"]);
    try {
      expect(processesCarrying(marker).map((p) => p.pid)).toContain(emulator.pid);
      expect(processesCarrying("another run").map((p) => p.pid)).not.toContain(emulator.pid);
    } finally {
      await emulator.kill9();
    }
    expect(processesCarrying(marker).map((p) => p.pid)).not.toContain(emulator.pid);
  });
});
