#!/usr/bin/env node
// `npm run doctor` starts here, in plain JavaScript that needs nothing installed: the real doctor
// (src/tools/doctor.ts) is compiled TypeScript that loads dependencies, so when Node is too old,
// node_modules/ is missing or dist/ was never built, only this file can say so. Its lines and
// fixes match the doctor's.
"use strict";
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const GET_NODE =
  "install Node.js 22 or 24 LTS from https://nodejs.org (or `nvm install 22`), then run `npm install` again.";

/** The lowest major named in package.json's engines ("^20.19.0 || ..." -> 20). */
function lowestSupportedMajor() {
  const engines = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).engines?.node ?? "";
  const majors = [...engines.matchAll(/(\d+)\.\d+\.\d+/g)].map((match) => Number(match[1]));
  return majors.length === 0 ? 0 : Math.min(...majors);
}

function firstFailure() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < lowestSupportedMajor()) {
    return ["Node.js", `${process.version} is older than this project supports.`, GET_NODE];
  }
  if (!existsSync(path.join(root, "node_modules"))) {
    return ["dependencies", "node_modules/ is missing.", "run `npm install` in the project folder."];
  }
  if (!existsSync(path.join(root, "dist", "tools", "doctor-cli.js"))) {
    return [
      "dist/ built",
      "dist/ holds no build.",
      "run `npm run build` (notebooks import the compiled helpers from dist/).",
    ];
  }
  return undefined;
}

const failure = firstFailure();
if (failure === undefined) {
  require(path.join(root, "dist", "tools", "doctor-cli.js"));
} else {
  const [name, finding, fix] = failure;
  console.log(`Checking the workbook in ${root}\n`);
  console.log(`FAIL  ${name}  ${finding} Fix: ${fix}`);
  console.log("\nThe other checks need this one: apply its fix, then run `npm run doctor` again.");
  process.exitCode = 1;
}
