/**
 * Real pseudo-terminal pairs made with socat, for tests of serial devices: the simulated instrument
 * opens one end (`simPath`), the driver opens the other (`devPath`) exactly as it would open
 * /dev/ttyUSB0. The ends are stable symlinks in a folder, so a restarted socat gives the same paths.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

export interface PtyPair {
  /** The folder holding the two links. */
  dir: string;
  /** The instrument's end (give it to `labflow simulate-instrument --port`). */
  simPath: string;
  /** The computer's end (the device's `address` in the devices file). */
  devPath: string;
  /** pid of the current socat process. */
  readonly pid: number;
  /** Kills socat: the link disappears, as when a USB adapter is pulled. Resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts socat again on the same two paths (after `kill`). */
  restart(): Promise<void>;
  /** Kills socat and removes the folder if this helper made it. */
  stop(): Promise<void>;
}

const live = new Set<PtyPair>();

/** Throws a clear message when socat is not installed (the README's test command installs it). */
export function requireSocat(): void {
  try {
    execFileSync("socat", ["-V"], { stdio: "ignore" });
  } catch {
    throw new Error("socat is not installed: run `apt-get install -y socat` (tests use it for real ptys)");
  }
}

/** Starts `socat pty,link=DIR/sim pty,link=DIR/dev` and waits until both links exist. */
export async function startPtyPair(
  options: { dir?: string; readyTimeoutMs?: number } = {},
): Promise<PtyPair> {
  requireSocat();
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "labflow-pty-"));
  const simPath = join(dir, "sim");
  const devPath = join(dir, "dev");
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const proc = spawn(
      "socat",
      ["-d", "-d", `pty,raw,echo=0,link=${simPath}`, `pty,raw,echo=0,link=${devPath}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    child = proc;
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    let stderr = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`socat did not start within ${options.readyTimeoutMs ?? 30_000} ms: ${stderr}`)),
        options.readyTimeoutMs ?? 30_000,
      );
      proc.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        // socat logs this once both ptys and their links exist.
        if (stderr.includes("starting data transfer loop") && existsSync(simPath) && existsSync(devPath)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`socat exited (code ${code}) before the ptys were ready: ${stderr}`));
      });
    });
    proc.stderr?.removeAllListeners("data");
    proc.stderr?.resume();
  };

  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      await exited;
    }
    // SIGKILL leaves the links behind; remove them so the paths are gone, as with a pulled adapter.
    rmSync(simPath, { force: true });
    rmSync(devPath, { force: true });
  };

  await start();
  const pair: PtyPair = {
    dir,
    simPath,
    devPath,
    get pid() {
      return child?.pid ?? -1;
    },
    kill,
    restart: start,
    async stop() {
      live.delete(pair);
      await kill();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(pair);
  return pair;
}

// Under vitest each test's leftovers are stopped after it; a benchmark (plain node) stops its own.
if (process.env.VITEST) {
  afterEach(async () => {
    for (const pair of [...live]) await pair.stop();
  });
}
