/**
 * The real Slurm cluster of ../shared/slurm (slurmctld, slurmd, slurmrestd with JWT on loopback),
 * started once per test process (`up.sh` is idempotent: a second call finds it running).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./labflow-cli.js";

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

export function slurmCluster(): SlurmCluster {
  if (started) return started;
  const out = execFileSync("bash", [join(repoRoot, "..", "shared", "slurm", "up.sh")], {
    encoding: "utf8",
    timeout: 600_000,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = out.split("\n").find((l) => l.startsWith("READY"));
  if (!line) throw new Error(`up.sh did not print READY:\n${out}`);
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
  started = cluster;
  return cluster;
}
