/**
 * The raw kernel client against a real tslab kernel (one for the whole file). Nothing here protects
 * against tslab's abort window: these tests pin down what the kernel itself does.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TslabKernel } from "../../../src/tools/notebook/kernel";
import { outputsToText } from "../../../src/tools/notebook/outputs";
import { isAlive } from "./processes";

const fixtures = join(__dirname, "fixtures");
let kernel: TslabKernel;

beforeAll(async () => {
  kernel = await TslabKernel.start({ cwd: fixtures });
});

afterAll(async () => {
  await kernel?.shutdown();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("TslabKernel", () => {
  it("starts, and every message it sent verified against the connection key", () => {
    expect(kernel.isRunning).toBe(true);
    expect(kernel.startupMs).toBeGreaterThan(0);
    expect(kernel.rejectedMessages).toBe(0);
  });

  it("returns printed text and the cell's last value as stdout, with an execution count", async () => {
    const result = await kernel.execute('console.log("one");\n1 + 1');
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "one\n2\n" }]);
    expect(result.executionCount).toEqual(expect.any(Number));
  });

  it("keeps a display's MIME bundle as display_data", async () => {
    const result = await kernel.execute('require("tslab").display.html("<b>bold</b>")');
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} },
    ]);
  });

  it("lets a const be declared again in a later cell and keeps state between cells", async () => {
    await kernel.execute("const total = 1;");
    const again = await kernel.execute("const total = 2;\ntotal * 10");
    expect(again.status).toBe("ok");
    expect(outputsToText(again.outputs)).toBe("20\n");
  });

  it("reports a thrown error as status error with the message on stderr", async () => {
    const result = await kernel.execute('throw new Error("kernel test failure");');
    expect(result.status).toBe("error");
    expect(result.outputs[0]).toMatchObject({ output_type: "stream", name: "stderr" });
    expect(outputsToText(result.outputs)).toContain("Error: kernel test failure");
    await pause(250);
  });

  it("reports a type error as status error (tslab type-checks each cell)", async () => {
    const result = await kernel.execute('const count: number = "not a number";');
    expect(result.status).toBe("error");
    expect(outputsToText(result.outputs)).toMatch(/not assignable to type 'number'/);
    await pause(250);
  });

  it("aborts, without running it, a cell sent right after a failing one (tslab issue #19)", async () => {
    const failed = await kernel.execute('throw new Error("first");');
    const next = await kernel.execute('(globalThis as any).abortedCellRan = true;\nconsole.log("ran");');
    expect(failed.status).toBe("error");
    expect(next.status).toBe("abort");
    expect(next.outputs).toEqual([]);

    await pause(250); // the window closes: the same request now runs, and shows the first one never did
    const probe = await kernel.execute("console.log(String((globalThis as any).abortedCellRan));");
    expect(probe.status).toBe("ok");
    expect(outputsToText(probe.outputs)).toBe("undefined\n");
  });

  it("interrupts a cell that overruns its timeout, and the kernel stays usable", async () => {
    const slow = await kernel.execute("await new Promise((resolve) => setTimeout(resolve, 30_000));", {
      timeoutMs: 300,
    });
    expect(slow.timedOut).toBe(true);
    expect(slow.status).toBe("error");
    expect(slow.durationMs).toBeLessThan(5_000);
    await pause(250);
    const after = await kernel.execute('console.log("still here")');
    expect(outputsToText(after.outputs)).toBe("still here\n");
  });

  it("shuts down: the kernel process is gone and further use says so", async () => {
    const pid = kernel.pid!;
    await kernel.shutdown();
    expect(isAlive(pid)).toBe(false);
    await expect(kernel.execute("1")).rejects.toThrow(/shut down/);
  });
});
