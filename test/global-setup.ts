import { execFileSync } from "node:child_process";
import { markSuiteRun, processesCarrying } from "./suite-processes";

/** Compiles src/ to dist/ once before the suite: notebooks executed by the tests import dist/. */
export default function buildDist(): () => Promise<void> {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
  const marker = markSuiteRun();
  return () => failOnLeftoverProcesses(marker);
}

/** After the run: no emulator, kernel or Jupyter process the suite started may still be alive. */
async function failOnLeftoverProcesses(marker: string): Promise<void> {
  // Give processes stopped in the last tests a moment to finish exiting.
  for (let wait = 0; wait < 20 && processesCarrying(marker).length > 0; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const left = processesCarrying(marker);
  if (left.length === 0) return;
  for (const { pid } of left) process.kill(pid, "SIGKILL");
  // Vitest reports an error thrown here but would still exit 0: the run must fail.
  process.exitCode = 1;
  throw new Error(
    `The test run left ${left.length} process(es) running (now killed): ${left.map((p) => `${p.pid} ${p.command}`).join("; ")}`,
  );
}
