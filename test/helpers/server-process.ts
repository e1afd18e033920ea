import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(repoRoot, "bin", "labflow.js");
const builtCli = join(repoRoot, "dist", "server", "cli.js");
const READY = /labflow listening on (http:\/\/\S+)/;
const EDITOR = /open the editor: (http:\/\/\S+)/;

export interface ServerProcessOptions {
  /** Reuse a data folder (a restart); default a fresh temp folder, removed by `stop()`. */
  dataDir?: string;
  /** Given to the server as LABFLOW_TOKEN; default: the server makes one (read from its output). */
  token?: string;
  /** More environment for the server (on top of this process's, without LABFLOW_*). */
  env?: Record<string, string>;
  host?: string;
  /** More arguments for `labflow serve` (e.g. `--check-interval 200`). */
  args?: string[];
  /** Options for node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
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
  /** The server's token (every /api request and the WebSocket need it). */
  token: string;
  /** The address the server printed for people, with `?token=`. */
  editorUrl: string;
  /** `{ authorization: "Bearer <token>" }`, for requests of the tests. */
  authHeaders: Record<string, string>;
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
  const args = [...(options.nodeArgs ?? []), bin, "serve", "--data", dataDir, "--port", "0"];
  if (options.host) args.push("--host", options.host);
  args.push(...(options.args ?? []));
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.LABFLOW_TOKEN;
  delete env.LABFLOW_DATA;
  if (options.token !== undefined) env.LABFLOW_TOKEN = options.token;
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

  let ready: { url: string; editorUrl: string };
  try {
    ready = await readyUrls(child, exited, options.readyTimeoutMs ?? 60_000, () => stderr);
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
  const token = new URL(ready.editorUrl).searchParams.get("token") ?? "";
  return {
    ...ready,
    token,
    authHeaders: { authorization: `Bearer ${token}` },
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

function readyUrls(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  stderr: () => string,
): Promise<{ url: string; editorUrl: string }> {
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
      const url = READY.exec(stdout)?.[1];
      const editorUrl = EDITOR.exec(stdout)?.[1];
      if (url && editorUrl) {
        ready = true;
        clearTimeout(timer);
        resolve({ url, editorUrl });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`labflow serve exited (${signal ?? `code ${code}`}) before listening\n${stderr()}`));
    });
  });
}
