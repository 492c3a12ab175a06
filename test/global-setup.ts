import { execFileSync } from "node:child_process";

/** Compiles src/ to dist/ once before the suite: notebooks executed by the tests import dist/. */
export default function buildDist(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
