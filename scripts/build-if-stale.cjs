#!/usr/bin/env node
// Compiles src/ to dist/ only when something changed since the last build. The scripts that run
// notebooks build first so edits in src/ are picked up; even an incremental `tsc` with nothing to
// do spends seconds loading TypeScript, which is most of what `npm run lab` took on a warm tree.
const { spawnSync } = require("node:child_process");
const { readdirSync, statSync, utimesSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const stamp = path.join(root, "dist", ".tsbuildinfo");
const inputs = ["src", "tsconfig.json", "tsconfig.build.json", "package-lock.json"];

/** The latest modification time under `file` (a file or a folder), in ms. */
function latestChange(file) {
  const stats = statSync(file, { throwIfNoEntry: false });
  if (stats === undefined) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  let latest = stats.mtimeMs; // a file deleted or renamed inside changes the folder
  for (const entry of readdirSync(file)) latest = Math.max(latest, latestChange(path.join(file, entry)));
  return latest;
}

const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const changed = Math.max(...inputs.map((input) => latestChange(path.join(root, input))));
if (changed >= built) {
  const tsc = require.resolve("typescript/bin/tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // tsc leaves its build info alone when nothing needed compiling: mark this check as done.
  const now = new Date();
  utimesSync(stamp, now, now);
}
