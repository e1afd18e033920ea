import { describe, expect, it } from "vitest";
import { checkOf, outcomeOf } from "../../../modules/cluster/_slurm-states.js";
import type { ClusterJobInfo } from "../../../modules/sdk/clusters.js";

const job = (state: string, extra: Partial<ClusterJobInfo> = {}): ClusterJobInfo => ({
  slurmJobId: 42,
  state,
  name: "n",
  comment: "",
  user: "u",
  ...extra,
});

describe("Slurm states in labflow's words", () => {
  it.each([
    [job("PENDING", { reason: "Priority" }), "waiting", "Slurm job 42 PENDING (Priority)"],
    [job("RUNNING"), "running", "Slurm job 42 RUNNING"],
    [job("COMPLETING"), "running", "Slurm job 42 COMPLETING"],
    [job("COMPLETED", { exitCode: 0 }), "finished", "Slurm job 42 COMPLETED, exit code 0"],
    [
      job("FAILED", { reason: "NonZeroExitCode", exitCode: 2 }),
      "failed",
      "Slurm job 42 FAILED (NonZeroExitCode), exit code 2: boom",
    ],
    [
      job("TIMEOUT", { exitCode: 0, signal: 15 }),
      "failed",
      "Slurm job 42 TIMEOUT, killed by signal 15: boom",
    ],
    [job("OUT_OF_MEMORY", { exitCode: 0 }), "failed", "Slurm job 42 OUT_OF_MEMORY, exit code 0: boom"],
    [job("NODE_FAIL"), "failed", "Slurm job 42 NODE_FAIL: boom"],
    [job("CANCELLED"), "failed", "Slurm job 42 CANCELLED: cancelled outside labflow"],
    [job("PREEMPTED"), "waiting", "Slurm job 42 PREEMPTED: queued again"],
    [job("REQUEUED"), "waiting", "Slurm job 42 REQUEUED: queued again"],
  ])("%o -> %s", (info, status, message) => {
    expect(checkOf(outcomeOf(info), "boom")).toEqual({ status, message });
  });
});
