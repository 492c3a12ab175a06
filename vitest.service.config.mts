import { defineConfig } from "vitest/config";

// `npm run test:service` (scripts/test-service.ts): the tests that hold on a real service, run one
// file at a time so that each file's clean-up only ever removes the databases it created.
export default defineConfig({
  test: {
    include: [
      "test/service/**/*.test.ts",
      "test/emulator/transactional-batch.test.ts",
      "test/emulator/conformance/**/*.test.ts",
    ],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
