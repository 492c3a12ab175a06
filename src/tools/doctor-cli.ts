#!/usr/bin/env node
/**
 * `npm run doctor`: prints one line per check of this machine and project, each failing one with its
 * fix, and exits 1 when any check failed. `scripts/doctor.cjs` starts it once dist/ exists.
 */
import { parseArgs } from "node:util";
import { allWell, formatReport, runDoctor } from "./doctor";
import { projectRoot } from "./project-paths";

const USAGE = `Usage: npm run doctor
  Checks Node.js, the dependencies, the build, the kernel, Jupyter, .env, the data folder
  and the backend .env names,
  one line each; every line that is not "ok" says how to fix it. Exits 1 when a check fails.`;

async function main(args: string[]): Promise<number> {
  try {
    const { values } = parseArgs({ args, options: { help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const root = projectRoot();
  console.log(`Checking the workbook in ${root}\n`);
  const results = await runDoctor({ root });
  console.log(formatReport(results));
  return allWell(results) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`The doctor could not finish: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
