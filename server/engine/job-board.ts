import type { JobRecord } from "./records.js";

/** A run that waits for a job: told when it settles or progresses. */
export interface JobFollower {
  readonly runId: string;
  jobSettled(job: JobRecord): void;
  jobProgressed(job: JobRecord): void;
}

/**
 * The engine's board of jobs in this process: which runs follow each job, the `start` calls in
 * flight and the result deliveries in flight. A job is its work, so several runs (or several modules
 * alike in every way) may follow one job; the board makes sure its work is started once, its results
 * are made once, and everyone following it hears of it.
 *
 * Across processes the Store decides (one engine owns a data folder); the board only joins
 * executions of this process that meet while an `await` is pending.
 */
export class JobBoard {
  private readonly followers = new Map<string, Set<JobFollower>>();
  private readonly starts = new Map<string, Promise<void>>();
  private readonly deliveries = new Map<string, Promise<Record<string, unknown>>>();

  follow(jobId: string, follower: JobFollower): void {
    let set = this.followers.get(jobId);
    if (!set) {
      set = new Set();
      this.followers.set(jobId, set);
    }
    set.add(follower);
  }

  unfollow(jobId: string, follower: JobFollower): void {
    const set = this.followers.get(jobId);
    if (!set) return;
    set.delete(follower);
    if (set.size === 0) this.followers.delete(jobId);
  }

  followersOf(jobId: string): JobFollower[] {
    return [...(this.followers.get(jobId) ?? [])];
  }

  /** Whether anyone but `follower` waits for the job. */
  hasOtherFollowers(jobId: string, follower: JobFollower): boolean {
    const set = this.followers.get(jobId);
    return set !== undefined && (set.size > 1 || !set.has(follower));
  }

  /** Runs `start` unless a start of the same job is in flight; either way resolves when it ended. */
  startOnce(jobId: string, start: () => Promise<void>): Promise<void> {
    const inFlight = this.starts.get(jobId);
    if (inFlight) return inFlight;
    const started = start().finally(() => this.starts.delete(jobId));
    this.starts.set(jobId, started);
    return started;
  }

  /** The start of that job in flight in this process, if any. */
  startInFlight(jobId: string): Promise<void> | undefined {
    return this.starts.get(jobId);
  }

  /** Makes a job's results once for all its followers (finish and setResults run once). */
  deliverOnce(
    jobId: string,
    deliver: () => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const inFlight = this.deliveries.get(jobId);
    if (inFlight) return inFlight;
    // Forgotten once settled: the results are in the cache by then, where later runs find them.
    const delivered = deliver().finally(() => this.deliveries.delete(jobId));
    this.deliveries.set(jobId, delivered);
    return delivered;
  }
}
