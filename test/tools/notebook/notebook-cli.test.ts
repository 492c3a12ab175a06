/**
 * The built CLI as a user runs it (`node dist/tools/notebook/notebook-cli.js ...`; the suite's global setup builds
 * dist/), and the promise that no kernel outlives the process that started it.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotebook, type CodeCell } from "../../../src/tools/notebook/nbformat";
import { isAlive } from "./processes";

const root = resolve(__dirname, "..", "..", "..");
const cli = join(root, "dist", "tools", "notebook", "notebook-cli.js");
const fixtures = join(__dirname, "fixtures");

function runCli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...env, NO_COLOR: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("cli run", () => {
  it("exits 0 for a passing notebook, shows progress and output, and writes the executed copy", async () => {
    const output = join(await mkdtemp(join(tmpdir(), "runner-cli-")), "basics.executed.ipynb");
    const { code, stdout } = runCli(["run", join(fixtures, "basics.ipynb"), "--output", output]);
    expect(stdout).toMatch(/\[1\/8\] cell 2 \(id print\) … ok \d+ ms\n {4}hello from tslab\n/);
    expect(stdout).toMatch(/cell 6 \(id skipped\) … skipped/);
    expect(stdout).toMatch(/✔ 8 code cells: 6 ok, 1 skipped, 1 expected error/);
    expect(code).toBe(0);
    const executed = parseNotebook(await readFile(output, "utf8"));
    const print = executed.cells.find((cell) => cell.id === "print") as CodeCell;
    expect(print.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "hello from tslab\n" }]);
  });

  it("exits 1 for a failing notebook, names the failing cell with its error, and can write in place", async () => {
    const dir = await mkdtemp(join(tmpdir(), "runner-cli-"));
    const copy = join(dir, "failing.ipynb");
    await copyFile(join(fixtures, "failing.ipynb"), copy);
    const { code, stdout, stderr } = runCli(["run", copy, "--in-place", "--quiet"]);
    expect(code).toBe(1);
    expect(stderr).toContain("✘ cell 2 (id boom) error:");
    expect(stderr).toContain("Error: boom in the middle");
    expect(stdout).toMatch(/✘ 1 failed; 3 code cells: 1 ok, 1 error, 1 not run/);
    const written = parseNotebook(await readFile(copy, "utf8"));
    expect((written.cells[1] as CodeCell).outputs[0]).toMatchObject({ name: "stderr" });
  });

  it("prints a failing cell's error once, under the cell, and only names the cell in the summary", () => {
    const { code, stdout, stderr } = runCli(["run", join(fixtures, "failing.ipynb")]);
    expect(code).toBe(1);
    expect(`${stdout}${stderr}`.split("Error: boom in the middle")).toHaveLength(2);
    expect(stdout).toMatch(/cell 2 \(id boom\) … error \d+ ms\n {4}.*\n/);
    expect(stderr).toContain("✘ cell 2 (id boom) error: its output is above.");
  });

  it("exits 2 with usage for a wrong command line", () => {
    const { code, stderr } = runCli(["run"]);
    expect(code).toBe(2);
    expect(stderr).toContain("Usage:");
    expect(runCli(["run", "x.ipynb", "--output", "a", "--in-place"]).code).toBe(2);
    expect(runCli(["frobnicate"]).code).toBe(2);
  });

  it("exits 1 with one line for a notebook that is missing or not a notebook", async () => {
    const missing = runCli(["run", "no-such.ipynb"]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^No such notebook: .*no-such\.ipynb\n$/) });
    const notNotebook = join(await mkdtemp(join(tmpdir(), "runner-cli-")), "old.ipynb");
    await writeFile(notNotebook, JSON.stringify({ nbformat: 3, worksheets: [] }));
    const invalid = runCli(["run", notNotebook]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain("is not a readable notebook: expected nbformat 4");
  });
});

describe("cli run when the kernel dies", () => {
  it("fails the cell that ended the kernel, says so, and runs nothing after it", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "runner-cli-")), "exits.ipynb");
    const cell = (id: string, source: string) => ({
      cell_type: "code",
      id,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    });
    const cells = [cell("exit", "process.exit(3);"), cell("after", 'console.log("after");')];
    await writeFile(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    const { code, stdout, stderr } = runCli(["run", path, "--allow-errors"]);
    expect(code).toBe(1);
    expect(stderr).toContain("✘ cell 1 (id exit) error:");
    expect(stderr).toContain("The tslab kernel exited (code 3");
    expect(stdout).toMatch(/cell 2 \(id after\) … not run/);
  });
});

describe("cli jupyter", () => {
  it("without Jupyter on PATH, says how to get it and exits non-zero", async () => {
    const emptyPath = await mkdtemp(join(tmpdir(), "no-jupyter-"));
    const { code, stderr } = runCli(["jupyter"], { ...process.env, PATH: emptyPath });
    expect(code).toBe(1);
    expect(stderr).toContain("sudo apt-get install -y jupyter-notebook");
    expect(stderr).toContain("pip install notebook");
  });
});

describe("kernel lifetime", () => {
  it("ends the kernel when the process that started it is killed outright", async () => {
    const kernelModule = join(root, "dist", "tools", "notebook", "kernel.js");
    const script = `
      const { TslabKernel } = require(${JSON.stringify(kernelModule)});
      TslabKernel.start({ cwd: ${JSON.stringify(fixtures)} }).then((k) => console.log("kernel " + k.pid));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const kernelPid = await new Promise<number>((resolvePid) => {
      parent.stdout.on("data", (chunk: Buffer) => {
        const match = /kernel (\d+)/.exec(chunk.toString());
        if (match) resolvePid(Number(match[1]));
      });
    });
    expect(isAlive(kernelPid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await becomesFalse(() => isAlive(kernelPid), 5_000)).toBe(true);
  });
});

async function becomesFalse(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!check()) return true;
    await new Promise((resolveTick) => setTimeout(resolveTick, 50));
  }
  return !check();
}
