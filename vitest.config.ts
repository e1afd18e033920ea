import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Installs socat and Chromium when missing (as root on Debian), or stops with the command to run.
    globalSetup: ["test/setup/system-tools.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers and processes; keep the 2-core machine from thrashing.
    maxWorkers: 2,
  },
});
