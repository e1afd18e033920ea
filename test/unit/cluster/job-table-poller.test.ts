import { describe, expect, it } from "vitest";
import type { ClusterJobInfo } from "../../../modules/sdk/clusters.js";
import { JobTablePoller } from "../../../server/cluster/slurm/job-table-poller.js";
import type { JobsAnswer } from "../../../server/cluster/slurm/slurm-client.js";

const job = (id: number, state = "RUNNING"): ClusterJobInfo => ({
  slurmJobId: id,
  state,
  name: `j${id}`,
  comment: "",
  user: "u",
});

/** slurmctld's job table as a list the test changes; every request is recorded. */
function table(ids: number[]) {
  const jobs = new Map(ids.map((id) => [id, job(id)]));
  const requests: (number | undefined)[] = [];
  let changed = true;
  return {
    jobs,
    requests,
    touch() {
      changed = true;
    },
    async fetchJobs(updateTime?: number): Promise<JobsAnswer> {
      requests.push(updateTime);
      if (updateTime !== undefined && !changed) return { changed: false };
      changed = false;
      return { changed: true, jobs: [...jobs.values()] };
    },
  };
}

describe("job table poller", () => {
  it("answers a thousand checks made together with one request", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i + 1);
    const slurm = table(ids);
    const poller = new JobTablePoller({ fetchJobs: (t) => slurm.fetchJobs(t), windowMs: 5 });
    const answers = await Promise.all(ids.map((id) => poller.statusOf(id)));
    expect(answers.map((a) => a?.slurmJobId)).toEqual(ids);
    expect(slurm.requests).toHaveLength(1);
  });

  it("asks again for a job's next check, once per round however many jobs share it", async () => {
    const slurm = table([1, 2, 3]);
    const poller = new JobTablePoller({ fetchJobs: (t) => slurm.fetchJobs(t), windowMs: 1 });
    await Promise.all([1, 2, 3].map((id) => poller.statusOf(id)));
    slurm.jobs.set(2, job(2, "COMPLETED"));
    slurm.touch();
    // Round two, one job after another (as the monitor's due times spread them): one request.
    const second = [];
    for (const id of [1, 2, 3]) second.push(await poller.statusOf(id));
    expect(second.map((a) => a?.state)).toEqual(["RUNNING", "COMPLETED", "RUNNING"]);
    expect(slurm.requests).toHaveLength(2);
    expect(slurm.requests[1]).toEqual(expect.any(Number));
  });

  it("keeps the table when slurmctld says nothing changed (update_time)", async () => {
    const slurm = table([1]);
    const poller = new JobTablePoller({ fetchJobs: (t) => slurm.fetchJobs(t), windowMs: 1 });
    await poller.statusOf(1);
    expect((await poller.statusOf(1))?.state).toBe("RUNNING");
    expect(slurm.requests).toEqual([undefined, expect.any(Number)]);
  });

  it("never answers a new job from a table fetched before its submission", async () => {
    const slurm = table([1]);
    const poller = new JobTablePoller({ fetchJobs: (t) => slurm.fetchJobs(t), windowMs: 1 });
    await poller.statusOf(1);
    slurm.jobs.set(2, job(2, "PENDING"));
    slurm.touch();
    expect((await poller.statusOf(2, Date.now()))?.state).toBe("PENDING");
  });

  it("shares one next request among callers who need a newer table than the one in flight", async () => {
    const slurm = table([1, 2, 3, 4]);
    const poller = new JobTablePoller({ fetchJobs: (t) => slurm.fetchJobs(t), windowMs: 5 });
    const first = poller.statusOf(1);
    // Sent (after its window) before these jobs were submitted: they need the next table.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const later = Date.now();
    await Promise.all([first, ...[2, 3, 4].map((id) => poller.statusOf(id, later))]);
    expect(slurm.requests).toHaveLength(2);
  });
});
