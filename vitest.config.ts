import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // docs/examples: the module and test that docs/modules.md shows, run as they are printed.
    include: ["test/**/*.test.ts", "docs/examples/**/*.test.ts"],
    // Installs socat and Chromium when missing (as root on Debian), or stops with the command to run.
    globalSetup: ["test/setup/system-tools.ts"],
    pool: "forks",
    // Generous: a test that spawns servers, Chromium or socat on a loaded 2-core CI machine may
    // take long. Tests wait for events with deadlines; these limits only bound a hang.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits for a value that arrives by an event; its 1 s default is too short there.
    expect: { poll: { timeout: 30_000 } },
    // Integration tests start real servers and processes; keep the 2-core machine from thrashing.
    maxWorkers: 2,
  },
});
