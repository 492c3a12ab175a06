/**
 * The benchmark's yardstick, @vercel/cosmosdb-server, lives in a package of its own, bench/yardstick/,
 * so that the project's dependency tree stays free of it and of the query engine it carries
 * (@zeit/cosmosdb-query, built on Babel 7.6). `npm run bench` installs it there with `npm ci` on
 * first use, and again whenever bench/yardstick/package-lock.json changes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server, ServerOptions } from "node:https";
import { createRequire } from "node:module";
import path from "node:path";

const YARDSTICK_FOLDER = path.join(__dirname, "yardstick");
const PACKAGE = "@vercel/cosmosdb-server";
const LOCKFILE = path.join(YARDSTICK_FOLDER, "package-lock.json");
const INSTALLED_MANIFEST = path.join(YARDSTICK_FOLDER, "node_modules", ...PACKAGE.split("/"), "package.json");
/** Written after a successful install: the hash of the lockfile the installed tree was made from. */
const INSTALL_STAMP = path.join(YARDSTICK_FOLDER, "node_modules", ".installed-from-lockfile");

/** What the benchmark uses of the package (its own types are not reachable from the project's tsconfig). */
export interface VercelServerModule {
  createHttpsServer(options: ServerOptions): Server;
}

function lockfileHash(): string {
  return createHash("sha256").update(readFileSync(LOCKFILE)).digest("hex");
}

function isInstalledFromCurrentLockfile(): boolean {
  return (
    existsSync(INSTALLED_MANIFEST) &&
    existsSync(INSTALL_STAMP) &&
    readFileSync(INSTALL_STAMP, "utf8") === lockfileHash()
  );
}

/**
 * Under `npm run`, npm says where its own CLI is: run that with this Node rather than look npm up
 * on PATH (yarn and pnpm set the same variable to their own CLI, which has no `npm ci`).
 */
function npmCommand(): { command: string; prefix: string[]; shell: boolean } {
  const npmCli = process.env.npm_execpath;
  if (npmCli !== undefined && /npm-cli\.c?js$/.test(npmCli))
    return { command: process.execPath, prefix: [npmCli], shell: false };
  const onWindows = process.platform === "win32";
  return { command: onWindows ? "npm.cmd" : "npm", prefix: [], shell: onWindows };
}

interface NpmRun {
  succeeded: boolean;
  /** npm's own error code (ENOTFOUND, ENOTCACHED, ...) from its log, or the spawn's, when it failed. */
  errorCode: string;
}

function runNpm(args: string[]): NpmRun {
  const npm = npmCommand();
  const result = spawnSync(npm.command, [...npm.prefix, ...args, "--no-audit", "--no-fund"], {
    cwd: YARDSTICK_FOLDER,
    encoding: "utf8",
    shell: npm.shell,
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  const errorCode =
    /npm (?:error|ERR!) code (\S+)/.exec(output)?.[1] ?? (result.error as NodeJS.ErrnoException | undefined)?.code;
  return { succeeded: result.status === 0, errorCode: errorCode ?? "no error code" };
}

/**
 * From npm's cache first, so a machine that has installed it before needs no network. Otherwise
 * the registry is pinged once without retries before installing from it: npm retries every
 * package with a back-off, and offline that meant minutes of silence before it gave up.
 */
function installFromCacheOrRegistry(): void {
  if (runNpm(["ci", "--offline"]).succeeded) return;
  const ping = runNpm(["ping", "--fetch-retries=0"]);
  if (!ping.succeeded)
    throw new Error(
      `the comparison server ${PACKAGE} is not installed yet and npm could not reach the registry to install it (${ping.errorCode}): connect to the network and run npm run bench again.`,
    );
  const install = runNpm(["ci", "--prefer-offline"]);
  if (!install.succeeded)
    throw new Error(
      `installing the comparison server ${PACKAGE} with npm ci in bench/yardstick failed (${install.errorCode}): run npm ci there to read npm's log, then run npm run bench again.`,
    );
}

/** Installs the yardstick when it is missing or was installed from another lockfile; a no-op otherwise. */
export function installYardstickIfNeeded(log: (line: string) => void): void {
  if (isInstalledFromCurrentLockfile()) return;
  log(`installing the comparison server ${PACKAGE} in bench/yardstick (npm ci, once)...`);
  installFromCacheOrRegistry();
  writeFileSync(INSTALL_STAMP, lockfileHash());
}

/** The installed package, loaded from bench/yardstick/node_modules. */
export function vercelServer(): VercelServerModule {
  if (!existsSync(INSTALLED_MANIFEST))
    throw new Error(`${PACKAGE} is not installed in bench/yardstick: run npm run bench, which installs it first.`);
  return createRequire(LOCKFILE)(PACKAGE) as VercelServerModule;
}
