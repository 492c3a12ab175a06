/**
 * `npm run notebook` as the tests start it: the compiled launcher run by Node directly (a signal to
 * it must not stop at a wrapper such as npm or tsx), in its own process group as a terminal would
 * start it, for a new user (a temporary HOME, so Jupyter's trust database and runtime files are
 * fresh), with a login token of the test's choosing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anyFreePort } from "../../../src/tools/notebook/jupyter-launcher";
import { projectRoot } from "../../../src/tools/project-paths";
import { isAlive } from "./processes";

export const NOTEBOOK_CLI = join(projectRoot(), "dist", "tools", "notebook", "notebook-cli.js");
const READY_TIMEOUT_MS = 120_000;

export interface LaunchedJupyter {
  /** The address the launcher printed (no token). */
  url: string;
  /** The server's base address, e.g. http://127.0.0.1:PORT. */
  base: string;
  token: string;
  launcher: ChildProcess;
  /** Everything the launcher and Jupyter printed so far. */
  output: () => string;
  /** Sends `signal` to the launcher's process group, as Ctrl-C (SIGINT) or `kill -- -PGID` would; resolves with its exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** The REST API with the token. */
  api: (path: string, init?: RequestInit) => Promise<Response>;
  home: string;
}

/** Starts the launcher with `args` (after `jupyter`) and waits until Jupyter answers on the printed address. */
export async function launchJupyterForTest(args: readonly string[] = []): Promise<LaunchedJupyter> {
  const home = await mkdtemp(join(tmpdir(), "jupyter-home-"));
  const port = await anyFreePort();
  const token = randomBytes(16).toString("hex");
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, JUPYTER_TOKEN: token };
  for (const name of ["JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "XDG_DATA_HOME"])
    delete env[name];
  const launcher = spawn(process.execPath, [NOTEBOOK_CLI, "jupyter", "--no-browser", "--port", String(port), ...args], {
    cwd: projectRoot(),
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let printed = "";
  launcher.stdout?.on("data", (chunk) => {
    printed += chunk;
  });
  launcher.stderr?.on("data", (chunk) => {
    printed += chunk;
  });
  const exited = new Promise<number | null>((resolve) => launcher.on("exit", (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { Authorization: `token ${token}`, ...init.headers } });
  const launched: LaunchedJupyter = {
    url: "",
    base,
    token,
    launcher,
    home,
    api,
    output: () => printed,
    stop: async (signal = "SIGTERM") => {
      const running = launcher.exitCode === null && launcher.signalCode === null;
      if (running && launcher.pid !== undefined) process.kill(-launcher.pid, signal);
      const code = await exited;
      await rm(home, { recursive: true, force: true });
      return code;
    },
  };
  try {
    await waitUntilAnswering(launched, exited);
  } catch (error) {
    await launched.stop("SIGKILL");
    throw error;
  }
  const url = /Starting Jupyter on (\S+)/.exec(printed)?.[1];
  if (url === undefined) throw new Error(`The launcher printed no address:\n${printed}`);
  return { ...launched, url };
}

async function waitUntilAnswering(launched: LaunchedJupyter, exited: Promise<number | null>): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`The launcher exited (${exitCode}):\n${launched.output()}`);
    const status = await launched.api("/api/status").then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Jupyter did not answer within ${READY_TIMEOUT_MS / 1000} s:\n${launched.output()}`);
}

/** Pids of the processes whose command line names a kernel's connection file (`kernel-<id>.json`); Linux only. */
export function kernelProcesses(kernelId: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(`kernel-${kernelId}.json`)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.filter(isAlive);
}
