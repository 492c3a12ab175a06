import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Notebook tests need dist/ (tslab imports compiled JavaScript); build it once per run.
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: files run in parallel, but kernels and emulators are real processes and sockets.
    maxWorkers: 2,
  },
});
