/**
 * Runs the built `labflow simulate-instrument --port PATH` as a real child process and watches what
 * it logs (it prints a line when an acquisition starts and when it stops).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach } from "vitest";
import { repoRoot } from "./labflow-cli.js";
import { waitUntil } from "./wait-until.js";

export interface SimulatorProcess {
  pid: number;
  /** Everything it printed to stdout and stderr so far. */
  output(): string;
  /** Waits until the output matches `pattern` (counting from `from`, an earlier `output().length`). */
  waitForOutput(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<string>;
  stop(): Promise<void>;
}

const live = new Set<SimulatorProcess>();

export async function startSimulator(port: string, name = "sim-1"): Promise<SimulatorProcess> {
  const bin = join(repoRoot, "bin", "labflow.js");
  if (!existsSync(join(repoRoot, "dist", "server", "cli.js")))
    throw new Error("the server is not built: run `npm run build:server` first");
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, "simulate-instrument", "--port", port, "--name", name],
    {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => (output += c));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const sim: SimulatorProcess = {
    pid: child.pid ?? -1,
    output: () => output,
    async waitForOutput(pattern, options = {}) {
      const from = options.from ?? 0;
      await waitUntil(
        () => pattern.test(output.slice(from)),
        `simulator output matching ${pattern} (got: ${output.slice(from)})`,
        options.timeoutMs ?? 30_000,
      );
      return output.slice(from);
    },
    async stop() {
      live.delete(sim);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
  live.add(sim);
  await sim.waitForOutput(/listening on/);
  return sim;
}

// Under vitest each test's leftovers are stopped after it; a benchmark (plain node) stops its own.
if (process.env.VITEST) {
  afterEach(async () => {
    for (const sim of [...live]) await sim.stop();
  });
}
