/**
 * Slurm's job states in labflow's words. The monitor's check answers `waiting` (qw) while Slurm
 * keeps the job queued (PENDING, requeued, preempted, suspended), `running`, `finished` or
 * `failed`; Slurm's own word (and reason) stays in the message people read.
 */
import type { ClusterJobInfo } from "../sdk/clusters.js";
import type { JobCheck } from "../sdk/job.js";

const RUNNING = new Set(["RUNNING", "COMPLETING", "CONFIGURING", "STAGE_OUT", "SIGNALING", "RESIZING"]);
const QUEUED = new Set([
  "PENDING",
  "PREEMPTED",
  "REQUEUED",
  "REQUEUE_HOLD",
  "REQUEUE_FED",
  "SUSPENDED",
  "STOPPED",
  "RESV_DEL_HOLD",
  "SPECIAL_EXIT",
]);
const FAILED = new Set([
  "FAILED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
  "REVOKED",
]);

export type SlurmOutcome =
  | { kind: "queued" | "running"; message: string }
  | { kind: "completed"; exitCode: number; message: string }
  | { kind: "failed"; exitCode?: number; message: string }
  | { kind: "cancelled"; message: string };

/** What a Slurm job's state means for the labflow job. */
export function outcomeOf(job: ClusterJobInfo): SlurmOutcome {
  const word = `${job.state}${job.reason ? ` (${job.reason})` : ""}`;
  const id = `Slurm job ${job.slurmJobId}`;
  if (QUEUED.has(job.state))
    return { kind: "queued", message: `${id} ${word}${job.state === "PENDING" ? "" : ": queued again"}` };
  if (RUNNING.has(job.state)) return { kind: "running", message: `${id} ${word}` };
  if (job.state === "CANCELLED") return { kind: "cancelled", message: `${id} ${word}` };
  if (job.state === "COMPLETED" && (job.exitCode ?? 0) === 0)
    return { kind: "completed", exitCode: 0, message: `${id} COMPLETED, exit code 0` };
  if (job.state === "COMPLETED" || FAILED.has(job.state)) {
    const code = job.exitCode;
    const how = job.signal ? `killed by signal ${job.signal}` : code !== undefined ? `exit code ${code}` : "";
    return {
      kind: "failed",
      ...(code !== undefined ? { exitCode: code } : {}),
      message: `${id} ${word}${how ? `, ${how}` : ""}`,
    };
  }
  // A state this list does not know yet: keep following it, in Slurm's words.
  return { kind: "running", message: `${id} ${word}` };
}

/** The monitor's answer for an outcome (a cancel that did not come from labflow fails the job). */
export function checkOf(outcome: SlurmOutcome, stderrTail = ""): JobCheck {
  switch (outcome.kind) {
    case "queued":
      return { status: "waiting", message: outcome.message };
    case "running":
      return { status: "running", message: outcome.message };
    case "completed":
      return { status: "finished", message: outcome.message };
    case "cancelled":
      return { status: "failed", message: `${outcome.message}: cancelled outside labflow` };
    case "failed":
      return { status: "failed", message: `${outcome.message}${stderrTail ? `: ${stderrTail}` : ""}` };
  }
}
