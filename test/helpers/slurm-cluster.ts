/**
 * The real Slurm cluster of ../shared/slurm (slurmctld, slurmd, slurmrestd with JWT on loopback),
 * started once per test process (`up.sh` is idempotent: a second call finds it running).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sharedFolder } from "./shared-folder.js";

export interface SlurmCluster {
  url: string;
  user: string;
  tokenFile: string;
  jobsDir: string;
  /** The long-lived token of the job user. */
  token(): string;
  /** A token that expires after `seconds` (scontrol token). */
  mintToken(seconds: number): string;
  /** Every job Slurm lists, through the REST API. */
  jobs(): Promise<{ job_id: number; job_state: string; comment: string; exit_code: number; name: string }[]>;
}

let started: SlurmCluster | undefined;

/** The READY line of the last up.sh that started the cluster, kept for the test files after it. */
const READY_FILE = join(tmpdir(), "labflow-slurm-ready.txt");

/**
 * The READY line of a cluster that is up and answers, without running up.sh again: up.sh decides
 * "already up" from one ping, and when that ping fails for a moment (slurmctld busy on a loaded
 * machine) it starts the whole cluster anew under the daemons still running, breaking every test
 * using it. A few patient pings here leave up.sh to a cluster that is really down.
 */
function readyClusterLine(): string | undefined {
  if (!existsSync(READY_FILE)) return undefined;
  const line = readFileSync(READY_FILE, "utf8").trim();
  const url = /url=(\S+)/.exec(line)?.[1];
  const user = /user=(\S+)/.exec(line)?.[1];
  const tokenFile = /token_file=(\S+)/.exec(line)?.[1];
  if (!url || !user || !tokenFile || !existsSync(tokenFile)) return undefined;
  const token = readFileSync(tokenFile, "utf8").trim();
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      execFileSync(
        "curl",
        [
          "-sf",
          "--max-time",
          "10",
          "-o",
          "/dev/null",
          "-H",
          `X-SLURM-USER-NAME: ${user}`,
          "-H",
          `X-SLURM-USER-TOKEN: ${token}`,
          `${url}/slurm/v0.0.38/ping`,
        ],
        { stdio: "ignore" },
      );
      return line;
    } catch {
      execFileSync("sleep", ["2"]);
    }
  }
  return undefined;
}

export function slurmCluster(): SlurmCluster {
  if (started) return started;
  const ready = readyClusterLine();
  if (ready) {
    started = clusterOf(ready);
    return started;
  }
  // One up.sh at a time across test files (they run in parallel): two first starts at once would
  // each lay the cluster's folders anew under the other. flock is util-linux's, on every Debian.
  // --close keeps the lock's descriptor out of up.sh, whose daemons (munged, slurmrestd) would
  // otherwise inherit it and hold the lock for as long as the cluster runs: every other test file
  // then waited for it until its timeout (a CI run on a fresh machine failed so).
  const upScript = join(sharedFolder(), "slurm", "up.sh");
  const lockFile = join(tmpdir(), "labflow-slurm-up.lock");
  const waitSeconds = 300;
  let out: string;
  try {
    out = execFileSync("flock", ["--close", "--wait", String(waitSeconds), lockFile, "bash", upScript], {
      encoding: "utf8",
      timeout: (waitSeconds + 300) * 1000,
      stdio: ["ignore", "pipe", "inherit"],
    });
  } catch (error) {
    const holders = describeLockHolders(lockFile);
    throw new Error(`starting the test Slurm cluster failed (${(error as Error).message}); ${holders}`);
  }
  const line = out.split("\n").find((l) => l.startsWith("READY"));
  if (!line) throw new Error(`up.sh did not print READY:\n${out}`);
  writeFileSync(READY_FILE, `${line}\n`);
  started = clusterOf(line);
  return started;
}

function clusterOf(line: string): SlurmCluster {
  const field = (name: string) => {
    const value = new RegExp(`${name}=(\\S+)`).exec(line)?.[1];
    if (!value) throw new Error(`READY line without ${name}: ${line}`);
    return value;
  };
  const cluster: SlurmCluster = {
    url: field("url"),
    user: field("user"),
    tokenFile: field("token_file"),
    jobsDir: field("jobs_dir"),
    token: () => readFileSync(cluster.tokenFile, "utf8").trim(),
    mintToken: (seconds) =>
      execFileSync("scontrol", ["token", `username=${cluster.user}`, `lifespan=${seconds}`], {
        encoding: "utf8",
      })
        .trim()
        .replace(/^SLURM_JWT=/, ""),
    async jobs() {
      const response = await fetch(`${cluster.url}/slurm/v0.0.38/jobs`, {
        headers: { "X-SLURM-USER-NAME": cluster.user, "X-SLURM-USER-TOKEN": cluster.token() },
      });
      const body = (await response.json()) as { jobs: Awaited<ReturnType<SlurmCluster["jobs"]>> };
      return body.jobs;
    },
  };
  return cluster;
}

/** Which processes have the lock file open, so a failure to take it names who holds it. */
function describeLockHolders(lockFile: string): string {
  const holders: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === lockFile)) {
        holders.push(`${pid} (${readFileSync(`/proc/${pid}/comm`, "utf8").trim()})`);
      }
    } catch {
      // a process that ended meanwhile, or one we may not look into
    }
  }
  return holders.length > 0 ? `${lockFile} is held by ${holders.join(", ")}` : `nobody holds ${lockFile}`;
}

/**
 * The test cluster has one small node: test files that run Slurm jobs take it in turn (vitest runs
 * files in parallel), so that one file's jobs never wait behind another's and no test sees a node
 * it did not expect. A lock the kernel drops with its process (an exclusive SQLite lock, as the
 * data-folder lock), taken without blocking the event loop; resolves with its release.
 */
export async function takeTheCluster(timeoutMs = 15 * 60_000): Promise<() => void> {
  const db = new Database(join(tmpdir(), "labflow-slurm-tests.lock"), { timeout: 0 });
  db.pragma("locking_mode = EXCLUSIVE");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.exec("BEGIN EXCLUSIVE; COMMIT;");
      return () => db.close();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) {
        db.close();
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
