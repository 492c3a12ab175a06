import { defineConfig } from "vitest/config";

/** `npm run soak`: the long reliability runs, kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
