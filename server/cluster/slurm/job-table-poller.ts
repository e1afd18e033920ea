/**
 * One in-process poller per cluster and user: every job handle's `check()` asks it for its Slurm
 * job, and it answers all of them from one `GET /jobs` (Slurm's whole job table), so the requests
 * sent to slurmrestd grow with the clusters, not with the jobs.
 *
 * The rule that keeps answers fresh without a request per job: a job is answered from a table
 * fetched after the table its previous answer came from (and after `notBefore`, its submission).
 * Every job is checked once per interval, so the first job of each round asks for a new table and
 * the others of that round share it; calls within `windowMs` of each other share one request.
 * The same `statusOfMany(ids)` answers a batch at once: a monitor-level `checkMany` would call it.
 *
 * `update_time` lets slurmctld answer 304 (nothing changed) instead of the whole table; it is
 * taken from this machine's clock minus `clockSkewSeconds`, so a cluster clock somewhat behind
 * ours never hides a change.
 */
import type { ClusterJobInfo } from "../../../modules/sdk/clusters.js";
import type { JobsAnswer } from "./slurm-client.js";

export interface JobTablePollerOptions {
  fetchJobs(updateTime?: number): Promise<JobsAnswer>;
  /** Calls this close together share one request. */
  windowMs?: number;
  clockSkewSeconds?: number;
  now?: () => number;
}

interface Table {
  /** When the request that brought it was sent (ms, this machine's clock). */
  sentAt: number;
  jobs: Map<number, ClusterJobInfo>;
}

export class JobTablePoller {
  private table: Table | undefined;
  private pending: { sentAt?: number; promise: Promise<Table> } | undefined;
  /** Per Slurm job: when the table of its last answer was fetched. Only a cache: lost on restart. */
  private readonly answeredFrom = new Map<number, number>();
  private readonly now: () => number;
  /** Requests sent, for the benchmark and tests. */
  requests = 0;

  constructor(private readonly options: JobTablePollerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The job as the freshest shared table says; undefined when Slurm does not list it. */
  async statusOf(slurmJobId: number, notBefore = 0): Promise<ClusterJobInfo | undefined> {
    return (await this.statusOfMany([slurmJobId], notBefore)).get(slurmJobId);
  }

  async statusOfMany(ids: number[], notBefore = 0): Promise<Map<number, ClusterJobInfo | undefined>> {
    const needAfter = Math.max(notBefore, ...ids.map((id) => this.answeredFrom.get(id) ?? -1));
    const table = await this.tableAfter(needAfter);
    const answers = new Map<number, ClusterJobInfo | undefined>();
    for (const id of ids) {
      const job = table.jobs.get(id);
      answers.set(id, job);
      // A job that ended is not asked about again (the handle settles); forget it to stay small.
      if (job && FINAL.has(job.state)) this.answeredFrom.delete(id);
      else this.answeredFrom.set(id, table.sentAt);
    }
    return answers;
  }

  /**
   * The whole table, fetched after `after` (ms): every start looking for its earlier submission
   * at about the same time shares one request.
   */
  async jobsAfter(after: number): Promise<ClusterJobInfo[]> {
    return [...(await this.tableAfter(after)).jobs.values()];
  }

  /** Forgets a job (cancelled, settled): nothing of it is kept. */
  forget(slurmJobId: number): void {
    this.answeredFrom.delete(slurmJobId);
  }

  private async tableAfter(after: number): Promise<Table> {
    for (;;) {
      if (this.table && this.table.sentAt > after) return this.table;
      const pending = this.pending;
      // A request not sent yet, or sent after what this caller needs, is joined.
      if (pending && (pending.sentAt === undefined || pending.sentAt > after)) return pending.promise;
      if (!pending) return this.request();
      // One sent too early for this caller: the next one is shared by all who waited for it.
      await pending.promise.catch(() => undefined);
    }
  }

  private request(): Promise<Table> {
    const entry: { sentAt?: number; promise: Promise<Table> } = { promise: Promise.resolve() as never };
    entry.promise = (async () => {
      await new Promise((resolve) => setTimeout(resolve, this.options.windowMs ?? 20));
      const sentAt = this.now();
      entry.sentAt = sentAt;
      const previous = this.table;
      const updateTime =
        previous === undefined
          ? undefined
          : Math.floor(previous.sentAt / 1000) - (this.options.clockSkewSeconds ?? 2);
      this.requests++;
      const answer = await this.options.fetchJobs(updateTime);
      const table: Table =
        answer.changed || previous === undefined
          ? { sentAt, jobs: new Map((answer.changed ? answer.jobs : []).map((job) => [job.slurmJobId, job])) }
          : { sentAt, jobs: previous.jobs };
      if (!this.table || this.table.sentAt < sentAt) this.table = table;
      return table;
    })();
    this.pending = entry;
    const clear = () => {
      if (this.pending === entry) this.pending = undefined;
    };
    entry.promise.then(clear, clear);
    return entry.promise;
  }
}

/** Slurm states after which a job does not change any more. */
export const FINAL = new Set([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMEOUT",
  "OUT_OF_MEMORY",
  "NODE_FAIL",
  "BOOT_FAIL",
  "DEADLINE",
]);
