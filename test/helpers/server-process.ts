import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(repoRoot, "bin", "labflow.js");
const builtCli = join(repoRoot, "dist", "server", "cli.js");
const READY = /labflow listening on (http:\/\/\S+)/;

export interface ServerProcessOptions {
  /** Reuse a data folder (a restart); default a fresh temp folder, removed by `stop()`. */
  dataDir?: string;
  token?: string;
  host?: string;
  /** More arguments for `labflow serve` (e.g. `--check-interval 200`). */
  args?: string[];
  /** How long to wait for the "listening" line. */
  readyTimeoutMs?: number;
  /**
   * A command that runs node (e.g. `["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"]`:
   * labflow as pid 1 of its own pid namespace, as in a container). `pid` is then the wrapper's.
   */
  wrapper?: string[];
}

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  pid: number;
  dataDir: string;
  /** Sends a signal and resolves once the process has exited (SIGKILL: a crash, nothing flushed). */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the process has exited, sending nothing (it was killed some other way). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (SIGKILL after a deadline), then removes the data folder if this helper made it. */
  stop(): Promise<void>;
  /** What the server wrote to stderr so far (for failure messages). */
  stderr(): string;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts the real server, `node bin/labflow.js serve --data DIR --port 0`, as a child process and
 * waits for its "labflow listening on URL" line. Needs the server built (`npm run build:server`).
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  if (!existsSync(builtCli)) {
    throw new Error(`the server is not built (${builtCli} is missing): run \`npm run build:server\` first`);
  }
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "labflow-server-"));
  const args = [bin, "serve", "--data", dataDir, "--port", "0"];
  if (options.host) args.push("--host", options.host);
  if (options.token) args.push("--token", options.token);
  args.push(...(options.args ?? []));
  const env = { ...process.env };
  delete env.LABFLOW_TOKEN;
  delete env.LABFLOW_DATA;
  const [command, ...commandArgs] = options.wrapper
    ? [...options.wrapper, process.execPath]
    : [process.execPath];
  const child = spawn(command as string, [...commandArgs, ...args], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);

  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  let url: string;
  try {
    url = await readyUrl(child, exited, options.readyTimeoutMs ?? 60_000, () => stderr);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url,
    pid: child.pid as number,
    dataDir,
    kill,
    exited: () => exited,
    stderr: () => stderr,
    async stop() {
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await kill("SIGTERM");
      clearTimeout(timer);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function readyUrl(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  stderr: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () =>
        reject(new Error(`labflow serve did not say it was listening within ${timeoutMs} ms\n${stderr()}`)),
      timeoutMs,
    );
    let ready = false;
    // Read stdout to the end, so that a chatty server never blocks on a full pipe.
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (ready) return;
      stdout += chunk;
      const match = READY.exec(stdout);
      if (match?.[1]) {
        ready = true;
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`labflow serve exited (${signal ?? `code ${code}`}) before listening\n${stderr()}`));
    });
  });
}
