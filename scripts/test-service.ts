/**
 * `npm run test:service`: the lab's and the deep dive's outcomes, and the batch and conformance
 * tests, against the endpoint in `.env` (key authentication) instead of the embedded emulator.
 * The tests create databases of their own there and delete them afterwards; because that is an
 * account someone pays for, the run refuses to start without COSMOS_SERVICE_TESTS=1.
 */
import { spawnSync } from "node:child_process";
import { SERVICE_TESTS_VARIABLE, serviceConfig } from "../test/service/service-target";

function main(): number {
  if (process.env[SERVICE_TESTS_VARIABLE] !== "1") {
    console.error(
      `npm run test:service creates and deletes databases in the account named in .env. Set ${SERVICE_TESTS_VARIABLE}=1 to agree, for example: ${SERVICE_TESTS_VARIABLE}=1 npm run test:service`,
    );
    return 2;
  }
  let endpoint: string;
  try {
    endpoint = serviceConfig().endpoint;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  console.log(`Running the service tests against ${endpoint}`);
  const vitest = spawnSync(
    process.execPath,
    ["node_modules/vitest/vitest.mjs", "run", "--config", "vitest.service.config.mts", ...process.argv.slice(2)],
    { stdio: "inherit" },
  );
  return vitest.status ?? 1;
}

process.exitCode = main();
