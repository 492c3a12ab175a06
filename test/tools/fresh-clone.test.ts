/**
 * A learner's first hour, in a folder named as people name them ("Zoë Lee/My Projects/..."):
 * a fresh clone, installed and built, passes the doctor, registers its kernel, and runs the lab in
 * the real tslab kernel from that path. No download: the clone's node_modules links to this tree's
 * packages, except tslab, which is copied so the kernel itself runs from the clone's folder.
 * (Not hard links: linking a file changes its inode, and tslab kernels of other tests watching
 * those .d.ts files would take it for an edit.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");
const scratch = mkdtempSync(path.join(tmpdir(), "fresh-clone-"));
const clone = path.join(scratch, "Zoë Lee", "My Projects", "cosmos batch workbook");
const jupyterData = path.join(scratch, "Zoë Lee", "AppData", "jupyter");

/** No COSMOS_* from the developer's shell, and a Jupyter data folder of the clone's own. */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("COSMOS_"))),
  JUPYTER_DATA_DIR: jupyterData,
  NO_COLOR: "1",
};

function inClone(args: string[]) {
  const result = spawnSync(process.execPath, args, { cwd: clone, encoding: "utf8", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function linkNodeModulesKeepingTslabLocal(target: string): void {
  mkdirSync(target);
  for (const entry of readdirSync(path.join(root, "node_modules"))) {
    const source = path.join(root, "node_modules", entry);
    if (entry === "tslab") cpSync(source, path.join(target, entry), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(source, path.join(target, entry), "junction");
  }
}

beforeAll(() => {
  mkdirSync(path.dirname(clone), { recursive: true });
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${root}`, clone]);
  linkNodeModulesKeepingTslabLocal(path.join(clone, "node_modules"));
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { cwd: clone });
}, 240_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("a fresh clone in a folder with spaces and non-ASCII letters", () => {
  it("passes the doctor, with only the kernel as a note until `npm run kernel`, then everything ok", () => {
    const before = inClone(["scripts/doctor.cjs"]);
    expect(before.stdout).toContain(`Checking the workbook in ${clone}`);
    expect(before.stdout).toMatch(/^note {2}kernel registered +no "cosmos-batch-tslab" kernel in /m);
    expect(before.code).toBe(0);

    const registered = inClone(["dist/tools/kernelspec-cli.js"]);
    expect(registered.stdout).toContain(`It runs ${path.join(clone, "node_modules", "tslab", "bin", "tslab")}`);
    const after = inClone(["scripts/doctor.cjs"]);
    expect(after.stdout).toMatch(/^ok {4}kernel registered +"cosmos-batch-tslab" runs this project's tslab/m);
    expect(after.stdout).not.toMatch(/^(FAIL|note)/m);
    expect(after.code).toBe(0);
  });

  it("runs the lab in the real kernel from that folder: the first batch commits, the second rolls back", () => {
    const lab = inClone([
      "dist/tools/notebook/notebook-cli.js",
      "run",
      path.join("notebooks", "04-sdk-batch.ipynb"),
      "--output",
      path.join(scratch, "lab.executed.ipynb"),
    ]);
    expect(lab.stderr).toBe("");
    expect(lab.stdout).toMatch(/Batch answered HTTP 200\n +operation 0: 201 \{[^}]*\}\n +operation 1: 201 \{/);
    expect(lab.stdout).toMatch(/│ 1 │ Create +│ 012C +│ New Helmet +│ 400 Bad Request/);
    expect(lab.stdout).toContain(
      "Consistent: the batch reported rolled back, and no item it would have written is stored (012B, 012C).",
    );
    expect(lab.stdout).toMatch(/✔ \d+ code cells: \d+ ok/);
    expect(lab.code).toBe(0);
  }, 180_000);
});
