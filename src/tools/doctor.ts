/**
 * `npm run doctor`: is this machine ready for the workbook? Each check answers in one line, and
 * every line that is not "ok" carries its fix.
 *
 * A check is "ok", "optional" (a piece only one route needs is missing: Jupyter and the registered
 * kernel serve the browser and VS Code, not `npm run lab`) or "fail". The exit status is non-zero
 * only when something fails. Every check reads the project folder it is given, so the tests point it
 * at temporary copies with a piece removed instead of breaking the real tree.
 *
 * When Node is too old, `node_modules/` is missing or `dist/` was never built, this module cannot
 * even be loaded; `scripts/doctor.cjs` (which `npm run doctor` runs) says so with the same fixes.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import semver from "semver";
import { ConfigError, describeBackend, loadConfig, type WorkbookConfig } from "../workbook/config";
import { closeConnections, connect, WorkbookError } from "../workbook/client";
import { jupyterDataDir, KERNEL_NAME, kernelsDirIn, readRegisteredKernel } from "./kernelspec";
import { DataFolderInUseError, lockDataFolder } from "../emulator/index";
import { findJupyterFrontEnd } from "./notebook/jupyter-launcher";
import { tslabBinary } from "./project-paths";

export type CheckStatus = "ok" | "optional" | "fail";

export interface CheckResult {
  /** What was checked, in a few words. */
  name: string;
  status: CheckStatus;
  /** What was found. */
  finding: string;
  /** The one thing to do about it; absent when all is well. */
  fix?: string;
}

export interface DoctorOptions {
  /** The project folder to examine; the one this module belongs to by default. */
  root: string;
  /** Environment the configuration and the tool look-ups read; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
  /** The Node.js version to judge, like "v20.19.0"; the running one by default. */
  nodeVersion?: string;
  /** How long the backend may take to answer before the check gives up. */
  backendTimeoutMs?: number;
}

/** Node majors the CI runs the whole suite on; others inside `engines` work but are not tried. */
export const TESTED_NODE_MAJORS = [20, 22, 24] as const;

/** Enough for Azure across an ocean and a first DefaultAzureCredential sign-in; short enough not to look hung. */
export const DEFAULT_BACKEND_TIMEOUT_MS = 5_000;

/** Runs every check in order; a check whose input is broken reports that instead of guessing. */
export async function runDoctor(options: DoctorOptions): Promise<CheckResult[]> {
  const { root } = options;
  const env = options.env ?? process.env;
  const results = [
    checkNode(options.nodeVersion ?? process.version, readPackageJson(root)),
    checkDependencies(root),
    checkZeroMq(root),
    checkBuild(root),
    await checkKernel(root, env),
    checkJupyter(env),
  ];
  const configuration = checkEnvFile(root, env);
  results.push(configuration.result);
  results.push(checkDataFolder(configuration.config));
  results.push(await checkBackend(configuration.config, options.backendTimeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS));
  return results;
}

/** True when nothing failed (optional pieces may be missing). */
export function allWell(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.status !== "fail");
}

const STATUS_LABEL: Record<CheckStatus, string> = { ok: "ok", optional: "note", fail: "FAIL" };

/** One line per check, then a verdict; plain ASCII so every terminal shows it alike. */
export function formatReport(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.map((result) => {
    const fix = result.fix === undefined ? "" : ` Fix: ${result.fix}`;
    return `${STATUS_LABEL[result.status].padEnd(4)}  ${result.name.padEnd(width)}  ${result.finding}${fix}`;
  });
  const failures = results.filter((result) => result.status === "fail").length;
  lines.push("");
  lines.push(
    failures === 0
      ? "All is well: `npm run lab` runs the lab."
      : `${failures} ${failures === 1 ? "check failed" : "checks failed"}: apply the fix on ${failures === 1 ? "its line" : "each FAIL line"}, then run \`npm run doctor\` again.`,
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Node.js

interface PackageJson {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readPackageJson(root: string): PackageJson {
  return JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as PackageJson;
}

const GET_NODE =
  "install Node.js 22 or 24 LTS from https://nodejs.org (or `nvm install 22`), then run `npm install` again.";

export function checkNode(version: string, packageJson: PackageJson): CheckResult {
  const name = "Node.js";
  const supported = packageJson.engines?.node ?? "*";
  if (!semver.satisfies(version, supported)) {
    return {
      name,
      status: "fail",
      finding: `${version} is not one this project supports (${supported}).`,
      fix: GET_NODE,
    };
  }
  const tested = `${TESTED_NODE_MAJORS.slice(0, -1).join(", ")} and ${TESTED_NODE_MAJORS.at(-1)}`;
  if (!(TESTED_NODE_MAJORS as readonly number[]).includes(semver.major(version))) {
    return {
      name,
      status: "optional",
      finding: `${version} should work, but the suite runs on Node ${tested} only.`,
      fix: "if something misbehaves, use Node.js 22 or 24 LTS.",
    };
  }
  return { name, status: "ok", finding: `${version} (the suite runs on Node ${tested}).` };
}

// ---------------------------------------------------------------------------------------------
// Dependencies and build

interface LockFile {
  packages?: Record<string, { version?: string }>;
}

export function checkDependencies(root: string): CheckResult {
  const name = "dependencies";
  if (!existsSync(path.join(root, "node_modules"))) {
    return {
      name,
      status: "fail",
      finding: "node_modules/ is missing.",
      fix: "run `npm install` in the project folder.",
    };
  }
  const packageJson = readPackageJson(root);
  const wanted = { ...packageJson.dependencies, ...packageJson.devDependencies };
  const locked = readLockFile(root);
  const problems: string[] = [];
  for (const [dependency, range] of Object.entries(wanted)) {
    const installed = installedVersion(root, dependency);
    const lockedVersion = locked.packages?.[`node_modules/${dependency}`]?.version;
    if (installed === undefined) problems.push(`${dependency} is not installed`);
    else if (lockedVersion !== undefined && installed !== lockedVersion) {
      problems.push(`${dependency} is ${installed}, the lockfile says ${lockedVersion}`);
    } else if (lockedVersion === undefined && !semver.satisfies(installed, range)) {
      problems.push(`${dependency} is ${installed}, package.json asks for ${range}`);
    }
  }
  if (problems.length > 0) {
    return {
      name,
      status: "fail",
      finding: `${problems.join("; ")}.`,
      fix: "run `npm install` in the project folder.",
    };
  }
  return { name, status: "ok", finding: `all ${Object.keys(wanted).length} installed, as the lockfile pins them.` };
}

function readLockFile(root: string): LockFile {
  const file = path.join(root, "package-lock.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as LockFile) : {};
}

function installedVersion(root: string, dependency: string): string | undefined {
  const manifest = path.join(root, "node_modules", ...dependency.split("/"), "package.json");
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version;
}

/** The kernel talks ZeroMQ through a native module; a platform without its prebuilt binary fails here. */
export function checkZeroMq(root: string): CheckResult {
  const name = "kernel messaging (ZeroMQ)";
  const platform = `${process.platform}-${process.arch}`;
  try {
    createRequire(path.join(root, "package.json"))("zeromq");
    return { name, status: "ok", finding: `the native module loads on ${platform}.` };
  } catch (error) {
    return {
      name,
      status: "fail",
      finding: `zeromq does not load on ${platform} (${firstLine(error)}).`,
      fix: "run `npm rebuild zeromq`; where it has no prebuilt binary it builds one, which needs CMake and a C++ compiler.",
    };
  }
}

/** Notebooks import `dist/`, so every module of `src/` needs its compiled file. */
export function checkBuild(root: string): CheckResult {
  const name = "dist/ built";
  const fix = "run `npm run build` (notebooks import the compiled helpers from dist/).";
  if (!existsSync(path.join(root, "dist"))) return { name, status: "fail", finding: "dist/ holds no build.", fix };
  const sources = typeScriptSources(path.join(root, "src"));
  const missing = sources
    .map((source) => path.relative(path.join(root, "src"), source).replace(/\.ts$/, ".js"))
    .filter((compiled) => !existsSync(path.join(root, "dist", compiled)));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).map((file) => path.join("dist", file));
    const more = missing.length > shown.length ? ` and ${missing.length - shown.length} more` : "";
    return {
      name,
      status: "fail",
      finding: `${shown.join(", ")}${more} missing.`,
      fix,
    };
  }
  return { name, status: "ok", finding: `${sources.length} modules compiled.` };
}

function typeScriptSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptSources(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Kernel and Jupyter

/** The kernel VS Code and Jupyter start; `npm run lab` starts its own, so an absent one is only a note. */
export async function checkKernel(root: string, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const name = "kernel registered";
  let tslab: string;
  try {
    tslab = tslabBinary(root);
  } catch {
    return {
      name,
      status: "fail",
      finding: "tslab is not installed.",
      fix: "run `npm install` in the project folder.",
    };
  }
  const kernelsDir = kernelsDirIn(jupyterDataDir(env));
  const registered = await readRegisteredKernel(kernelsDir, tslab);
  switch (registered.state) {
    case "this-project":
      return { name, status: "ok", finding: registered.message };
    case "missing":
      return {
        name,
        status: "optional",
        finding: `no "${KERNEL_NAME}" kernel in ${kernelsDir}; only VS Code and Jupyter need it.`,
        fix: "run `npm run kernel` to use the notebooks there.",
      };
    default: {
      const [finding, fix = "run `npm run kernel` in the project folder to register it again."] =
        registered.message.split("; ");
      return { name, status: "fail", finding: `${finding}.`, fix };
    }
  }
}

export function checkJupyter(env: NodeJS.ProcessEnv): CheckResult {
  const name = "Jupyter";
  const frontEnd = findJupyterFrontEnd(env);
  if (frontEnd === undefined) {
    return {
      name,
      status: "optional",
      finding: "not found on PATH; only `npm run notebook` needs it (`npm run lab` and VS Code do not).",
      fix: "for the browser route, `sudo apt-get install -y jupyter-notebook` (Debian/Ubuntu) or `pip install notebook`.",
    };
  }
  return { name, status: "ok", finding: `jupyter-${frontEnd} found, for \`npm run notebook\`.` };
}

// ---------------------------------------------------------------------------------------------
// Configuration and backend

export function checkEnvFile(
  root: string,
  env: NodeJS.ProcessEnv,
): { result: CheckResult; config: WorkbookConfig | undefined } {
  const name = ".env";
  const envFile = path.join(root, ".env");
  const source = existsSync(envFile) ? "read .env" : "no .env file";
  try {
    const config = loadConfig({ env, envFile });
    return { result: { name, status: "ok", finding: `${source}; backend: ${describeBackend(config)}.` }, config };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [problem = error.message] = error.problems;
    const [what, fix] = splitProblem(problem);
    return { result: { name, status: "fail", finding: what, fix }, config: undefined };
  }
}

/** Config sentences read "what is wrong: how to fix it"; the doctor shows the two parts apart. */
function splitProblem(problem: string): [string, string] {
  const colon = problem.indexOf(": ");
  if (colon < 0) return [problem, "correct the settings in .env (see .env.example)."];
  return [`${problem.slice(0, colon)}.`, problem.slice(colon + 2)];
}

/**
 * One data folder, one emulator: a folder another emulator holds (a running `npm run emulator`, or
 * a kernel that used it) makes the notebook's emulator refuse to start. The check takes the lock and
 * gives it back at once, which also clears a stale lock left by a process that died.
 */
export function checkDataFolder(config: WorkbookConfig | undefined): CheckResult {
  const name = "data folder";
  if (config === undefined) {
    return { name, status: "fail", finding: "not checked: the configuration is invalid.", fix: "fix .env first." };
  }
  if (config.backend !== "embedded-emulator")
    return { name, status: "ok", finding: "none: the backend keeps the data." };
  const dataPath = config.emulatorDataPath;
  if (dataPath === undefined)
    return { name, status: "ok", finding: "none: the embedded emulator keeps data in memory." };
  if (!existsSync(dataPath)) return { name, status: "ok", finding: `${dataPath} is created on first use.` };
  try {
    lockDataFolder(dataPath).release();
    return { name, status: "ok", finding: `${dataPath} is free for the notebook's emulator.` };
  } catch (error) {
    if (error instanceof DataFolderInUseError) {
      return {
        name,
        status: "fail",
        finding: `${(error.message.split(": ")[0] ?? error.message).replace(/\.$/, "")}.`,
        fix: "stop that emulator (an `npm run emulator`, or a notebook kernel: shut it down), or set COSMOS_EMULATOR_DATA_PATH to another folder.",
      };
    }
    return {
      name,
      status: "fail",
      finding: `${dataPath} cannot be locked (${firstLine(error)}).`,
      fix: "make the folder writable for you, or set COSMOS_EMULATOR_DATA_PATH to another folder.",
    };
  }
}

/**
 * Connects as the notebook would and asks the account for its properties: that proves the address,
 * the TLS trust and the credentials. The embedded emulator is tried in memory, so the check neither
 * takes the data folder nor rewrites its journal.
 */
export async function checkBackend(config: WorkbookConfig | undefined, timeoutMs: number): Promise<CheckResult> {
  const name = "backend";
  if (config === undefined) {
    return { name, status: "fail", finding: "not tried: the configuration is invalid.", fix: "fix .env first." };
  }
  const probe: WorkbookConfig =
    config.backend === "embedded-emulator" ? { ...config, emulatorDataPath: undefined } : config;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const connection = await withDeadline(connect(probe, { abortSignal: signal }), signal);
    const finding =
      config.backend === "embedded-emulator"
        ? "the embedded emulator starts and answers over verified TLS."
        : `${connection.description} answers and accepts the credentials.`;
    return { name, status: "ok", finding };
  } catch (error) {
    if (signal.aborted) {
      return {
        name,
        status: "fail",
        finding: `${describeBackend(config)} did not answer within ${timeoutMs / 1000} s.`,
        fix: "check COSMOS_ENDPOINT (address and port), that the account or emulator is running, and any firewall or proxy.",
      };
    }
    if (error instanceof WorkbookError) {
      const [what, fix] = splitProblem(error.message);
      return { name, status: "fail", finding: what, fix };
    }
    return {
      name,
      status: "fail",
      finding: `${describeBackend(config)} answered with an error: ${firstLine(error)}`,
      fix: "check COSMOS_ENDPOINT and the credentials in .env (see .env.example).",
    };
  } finally {
    await closeConnections();
  }
}

/** Whatever the SDK or a credential does with the signal, the check itself never waits past it. */
function withDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const giveUp = () => reject(signal.reason);
    signal.addEventListener("abort", giveUp, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", giveUp));
  });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
