/**
 * The workbook's kernelspec: where it goes on each OS, that the command registers exactly one kernel
 * for the user (again and again, and removes it), what the reader says about it, and that Jupyter's
 * own discovery (jupyter_client) finds it and starts it. Every run uses a temporary HOME.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  jupyterDataDir,
  KERNEL_DISPLAY_NAME,
  KERNEL_NAME,
  kernelsDirIn,
  readRegisteredKernel,
  removeKernelSpec,
  workbookKernelSpec,
  writeKernelSpec,
} from "../../src/tools/kernelspec";
import { projectRoot, tslabBinary } from "../../src/tools/project-paths";
import { JUPYTER_PYTHON, jupyterIsInstalled, testsWithoutJupyter } from "./jupyter/jupyter-driver";

const execFileAsync = promisify(execFile);
const KERNEL_CLI = join(projectRoot(), "dist", "tools", "kernelspec-cli.js");

describe("jupyterDataDir", () => {
  it("is ~/.local/share/jupyter on Linux, or under XDG_DATA_HOME", () => {
    expect(jupyterDataDir({}, "linux", "/home/ada")).toBe("/home/ada/.local/share/jupyter");
    expect(jupyterDataDir({ XDG_DATA_HOME: "/data" }, "linux", "/home/ada")).toBe("/data/jupyter");
  });

  it("is ~/Library/Jupyter on macOS and %APPDATA%\\jupyter on Windows", () => {
    expect(jupyterDataDir({}, "darwin", "/Users/ada")).toBe(join("/Users/ada", "Library", "Jupyter"));
    expect(jupyterDataDir({ APPDATA: "C:/Users/ada/AppData/Roaming" }, "win32", "C:/Users/ada")).toBe(
      join("C:/Users/ada/AppData/Roaming", "jupyter"),
    );
  });

  it("is JUPYTER_DATA_DIR on every OS when that is set", () => {
    for (const platform of ["linux", "darwin", "win32"] as const) {
      expect(jupyterDataDir({ JUPYTER_DATA_DIR: "/mine" }, platform, "/home/ada")).toBe("/mine");
    }
  });
});

describe("writeKernelSpec and readRegisteredKernel", () => {
  let kernelsDir: string;
  beforeEach(async () => {
    kernelsDir = join(await mkdtemp(join(tmpdir(), "kernels-")), "kernels");
  });
  afterEach(() => rm(join(kernelsDir, ".."), { recursive: true, force: true }));

  it("writes one kernel.json that runs this project's tslab with this Node", async () => {
    const kernelDir = await writeKernelSpec(kernelsDir);
    expect(kernelDir).toBe(join(kernelsDir, KERNEL_NAME));
    const spec = JSON.parse(await readFile(join(kernelDir, "kernel.json"), "utf8"));
    expect(spec).toEqual({
      argv: [process.execPath, tslabBinary(), "kernel", "--config-path", "{connection_file}"],
      display_name: KERNEL_DISPLAY_NAME,
      language: "typescript",
      metadata: { debugger: false },
    });
    expect(existsSync(spec.argv[1])).toBe(true);
  });

  it("writes the same file the second time and nothing else", async () => {
    await writeKernelSpec(kernelsDir);
    const first = await readFile(join(kernelsDir, KERNEL_NAME, "kernel.json"), "utf8");
    await writeKernelSpec(kernelsDir);
    expect(await readFile(join(kernelsDir, KERNEL_NAME, "kernel.json"), "utf8")).toBe(first);
    expect(await readdir(kernelsDir)).toEqual([KERNEL_NAME]);
  });

  it("says the kernel points at this project once written, and missing once removed", async () => {
    await writeKernelSpec(kernelsDir);
    expect(await readRegisteredKernel(kernelsDir)).toMatchObject({ state: "this-project" });
    expect(await removeKernelSpec(kernelsDir)).toBe(true);
    const missing = await readRegisteredKernel(kernelsDir);
    expect(missing.state).toBe("missing");
    expect(missing.message).toContain("npm run kernel");
    expect(await removeKernelSpec(kernelsDir)).toBe(false);
  });

  it("tells a kernel of another clone, a vanished Node and a broken file apart, each with the fix", async () => {
    await writeKernelSpec(kernelsDir, workbookKernelSpec(process.execPath, "/elsewhere/node_modules/tslab/bin/tslab"));
    const other = await readRegisteredKernel(kernelsDir);
    expect(other.state).toBe("other-project");
    expect(other.message).toContain("/elsewhere/node_modules/tslab/bin/tslab");

    await writeKernelSpec(kernelsDir, workbookKernelSpec("/no/such/node", tslabBinary()));
    expect(await readRegisteredKernel(kernelsDir)).toMatchObject({ state: "node-missing" });

    await writeFile(join(kernelsDir, KERNEL_NAME, "kernel.json"), "{ not json");
    const broken = await readRegisteredKernel(kernelsDir);
    expect(broken.state).toBe("unreadable");
    expect(broken.message).toContain("npm run kernel");
  });
});

/** The environment of a new user whose home is `home`: no Jupyter variables inherited from this one. */
function freshUserEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home, APPDATA: join(home, "AppData") };
  for (const name of ["JUPYTER_DATA_DIR", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "XDG_DATA_HOME"])
    delete env[name];
  return env;
}

describe("npm run kernel (kernelspec-cli)", () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), "kernel-home-"));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const runCli = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [KERNEL_CLI, ...args], { env, encoding: "utf8" });

  it("registers exactly one kernel in the user's data folder, idempotently, and removes it", async () => {
    const env = freshUserEnv(home);
    const kernelsDir = kernelsDirIn(jupyterDataDir(env, process.platform, home));
    const first = runCli([], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`Registered the kernel "${KERNEL_DISPLAY_NAME}"`);
    const written = await readFile(join(kernelsDir, KERNEL_NAME, "kernel.json"), "utf8");
    expect(runCli([], env).status).toBe(0);
    expect(await readFile(join(kernelsDir, KERNEL_NAME, "kernel.json"), "utf8")).toBe(written);
    expect(await readdir(kernelsDir)).toEqual([KERNEL_NAME]);
    expect(await readRegisteredKernel(kernelsDir)).toMatchObject({ state: "this-project" });

    const removed = runCli(["--remove"], env);
    expect(removed.stdout).toContain(`Removed the kernel "${KERNEL_NAME}"`);
    expect(await readdir(kernelsDir)).toEqual([]);
  });

  it("honours JUPYTER_DATA_DIR", async () => {
    const dataDir = join(home, "elsewhere");
    expect(runCli([], { ...freshUserEnv(home), JUPYTER_DATA_DIR: dataDir }).status).toBe(0);
    expect(await readdir(join(dataDir, "kernels"))).toEqual([KERNEL_NAME]);
  });

  it("answers an unknown option with its name and the usage, exit 2", () => {
    const result = runCli(["--system"], freshUserEnv(home));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--system'");
    expect(result.stderr).toContain("Usage: npm run kernel");
  });
});

/** Asks jupyter_client, as a new user, which kernels it sees, then starts ours and runs one TypeScript line. */
const DISCOVER_AND_START = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
specs = KernelSpecManager().get_all_specs()
manager, client = start_new_kernel(kernel_name=sys.argv[1], startup_timeout=90)
printed = []
try:
    client.execute_interactive("const answer: number = 40 + 2; console.log(answer)", timeout=60,
        output_hook=lambda m: printed.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
print(json.dumps({"specs": {n: s["resource_dir"] for n, s in specs.items()}, "printed": "".join(printed)}))
`;

describe("Jupyter's own discovery (jupyter_client)", () => {
  if (!jupyterIsInstalled()) {
    testsWithoutJupyter("Discovering the kernel with jupyter_client is skipped");
    return;
  }

  it("finds the kernel npm run kernel registered and starts it", async () => {
    const home = await mkdtemp(join(tmpdir(), "kernel-home-"));
    try {
      const env = freshUserEnv(home);
      expect(spawnSync(process.execPath, [KERNEL_CLI], { env }).status).toBe(0);
      const { stdout } = await execFileAsync(JUPYTER_PYTHON, ["-c", DISCOVER_AND_START, KERNEL_NAME], {
        env,
        cwd: home,
      });
      const report = JSON.parse(stdout) as { specs: Record<string, string>; printed: string };
      expect(report.specs[KERNEL_NAME]).toBe(join(jupyterDataDir(env, process.platform, home), "kernels", KERNEL_NAME));
      expect(report.printed).toBe("42\n");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});
