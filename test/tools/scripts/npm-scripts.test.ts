/**
 * The npm scripts work on Windows: they use nothing POSIX-only, and they run for real under
 * cmd-like-shell.cjs, a stand-in for cmd.exe that npm calls exactly as it calls cmd.exe there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..", "..");
const shellFile = path.join(__dirname, "cmd-like-shell.cjs");
const shell = createRequire(__filename)(shellFile) as {
  check(line: string, env?: NodeJS.ProcessEnv): string[];
  parse(line: string, env?: NodeJS.ProcessEnv): string[][];
};
const scripts = (
  JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

/** PATH as npm gives it to a script on a machine that has only Node.js: node, npm, and the project's bins. */
const npmPath = [path.join(root, "node_modules", ".bin"), path.dirname(process.execPath), process.env.PATH].join(
  path.delimiter,
);

/** A folder holding an executable named `cmd` that is the stand-in, so `--script-shell=cmd` finds it on PATH. */
const cmdFolder = mkdtempSync(path.join(tmpdir(), "cmd-like-"));
writeFileSync(path.join(cmdFolder, "cmd"), `#!${process.execPath}\nrequire(${JSON.stringify(shellFile)}).main();\n`, {
  mode: 0o755,
});
afterAll(() => rmSync(cmdFolder, { recursive: true, force: true }));

function npmUnderCmd(args: string[]) {
  const result = spawnSync("npm", ["--script-shell=cmd", ...args], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${cmdFolder}${path.delimiter}${process.env.PATH}`,
      // The doctor reads the user's Jupyter kernels; other clones on this machine may have registered one.
      JUPYTER_DATA_DIR: cmdFolder,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the stand-in for cmd.exe", () => {
  it("refuses what only a POSIX shell understands, with the reason", () => {
    expect(shell.check("rm -rf dist && tsc", { PATH: npmPath })).toEqual([
      "'rm' is not recognized as an internal or external command",
    ]);
    expect(shell.check("NODE_ENV=production node x.js")[0]).toMatch(
      /^not portable: NODE_ENV=production: cmd.exe has no/,
    );
    expect(shell.check("node 'a b.js'")[0]).toBe(
      `not portable: "'" outside double quotes means something else, or nothing, to cmd.exe`,
    );
    expect(shell.check("echo $HOME")[0]).toMatch(/^not portable: "\$"/);
    expect(shell.check("tsc; node x.js")[0]).toMatch(/^not portable: ";"/);
    expect(shell.check("biome format src/*.ts")[0]).toMatch(/^not portable: "\*"/);
    expect(shell.check("./scripts/run.sh", { PATH: npmPath })).toEqual([
      "'./scripts/run.sh' is not recognized as an internal or external command",
    ]);
  });

  it("reads double quotes, ^ escapes, %VAR% and && as cmd.exe does", () => {
    expect(shell.parse('node "a b.js" x^&y %WHO% && npm run build --silent', { WHO: "me" })).toEqual([
      ["node", "a b.js", "x&y", "me"],
      ["npm", "run", "build", "--silent"],
    ]);
  });
});

describe("package.json's scripts", () => {
  it.each(Object.entries(scripts))("%s uses only what cmd.exe runs: %s", (_name, line) => {
    expect(shell.check(line, { PATH: npmPath })).toEqual([]);
  });

  it("start only files that exist, named with forward slashes (which Node accepts on Windows too)", () => {
    const started = Object.values(scripts).flatMap((line) =>
      shell.parse(line).flatMap(([program, file]) => (program === "node" && file !== undefined ? [file] : [])),
    );
    expect(started.length).toBeGreaterThan(0);
    for (const file of started) {
      expect(file).not.toContain("\\");
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
  });

  it("`npm run doctor` runs under cmd.exe's rules and reports all is well", () => {
    const { code, stdout } = npmUnderCmd(["run", "doctor", "--silent"]);
    expect(stdout).toContain("All is well: `npm run lab` runs the lab.");
    expect(code).toBe(0);
  });

  it("a chain with && and a nested npm run (`npm run emulator -- --help`) runs under cmd.exe's rules", () => {
    const { code, stdout, stderr } = npmUnderCmd(["run", "emulator", "--silent", "--", "--help"]);
    expect(stdout, stderr).toContain("Usage: npm run emulator -- [--port 8081]");
    expect(code).toBe(0);
  });

  it("a script the stand-in cannot run fails as cmd.exe would, so the runs above prove something", () => {
    const result = spawnSync(path.join(cmdFolder, "cmd"), ["/d", "/s", "/c", "rm -rf dist"], { encoding: "utf8" });
    expect(result.stderr).toContain("'rm' is not recognized as an internal or external command");
    expect(result.status).toBe(1);
  });
});
