/**
 * A command run detached from the server, in its own session and process group, with its stdout,
 * stderr, pid and exit status in files of the job's folder. It outlives the server; any later
 * server process finds it again from the folder alone.
 *
 * Files of the job folder:
 *   launching  written before the spawn: a start was attempted
 *   pid        the wrapper shell's pid (= the process group id), written by the wrapper itself
 *   stdout, stderr
 *   exit       the exit status, written (atomically) by the wrapper when the command ends
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isProcessGroupAlive } from "../sdk/process-alive.js";

// The wrapper records its own pid before anything else, so a server dying right after the spawn
// cannot lose track of the process; `"$@"` keeps the argv exactly as given.
// `umask 077`: the job's pid, stdout, stderr and exit files are for the server's user only.
const WRAPPER = [
  "umask 077",
  'echo $$ > "$LABFLOW_JOB_DIR/pid.tmp" && mv "$LABFLOW_JOB_DIR/pid.tmp" "$LABFLOW_JOB_DIR/pid"',
  '"$@" > "$LABFLOW_JOB_DIR/stdout" 2> "$LABFLOW_JOB_DIR/stderr" < /dev/null',
  "code=$?",
  'echo $code > "$LABFLOW_JOB_DIR/exit.tmp" && mv "$LABFLOW_JOB_DIR/exit.tmp" "$LABFLOW_JOB_DIR/exit"',
].join("\n");

export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  jobDir: string;
}

/** Starts the command unless this job folder shows it was started already; returns the pid. */
export async function launchOnce(spec: LaunchSpec): Promise<number> {
  const files = jobFiles(spec.jobDir);
  if (existsSync(files.launching)) {
    const pid = await waitForPid(files.pid, 5_000);
    if (pid !== undefined) return pid;
    // `launching` without a pid after 5 s: the earlier server died before the spawn happened.
  }
  writeFileSync(files.launching, new Date().toISOString(), { mode: 0o600 });
  const child = spawn("/bin/sh", ["-c", WRAPPER, "labflow-job", ...spec.argv], {
    cwd: spec.cwd,
    env: { ...spec.env, LABFLOW_JOB_DIR: spec.jobDir },
    detached: true,
    stdio: "ignore",
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  await spawned;
  child.unref();
  const pid = await waitForPid(files.pid, 10_000);
  if (pid === undefined) throw new Error("the command's wrapper did not record its pid");
  return pid;
}

export function jobFiles(jobDir: string) {
  return {
    launching: join(jobDir, "launching"),
    pid: join(jobDir, "pid"),
    stdout: join(jobDir, "stdout"),
    stderr: join(jobDir, "stderr"),
    exit: join(jobDir, "exit"),
  };
}

/** The exit status the wrapper wrote, or undefined while the command runs. */
export function readExitCode(jobDir: string): number | undefined {
  const path = jobFiles(jobDir).exit;
  if (!existsSync(path)) return undefined;
  const code = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(code) ? code : undefined;
}

/** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. */
export async function killProcessGroup(pid: number, graceMs = 3_000): Promise<void> {
  if (!signalGroup(pid, "SIGTERM")) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isProcessGroupAlive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  signalGroup(pid, "SIGKILL");
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function waitForPid(path: string, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path)) {
      const pid = Number(readFileSync(path, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0) return pid;
    }
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
