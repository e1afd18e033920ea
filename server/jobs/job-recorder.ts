import type { JobHandle } from "../../modules/sdk/job.js";
import type { EngineEvents } from "../engine/engine-events.js";
import type { JobRecord } from "../engine/records.js";
import type { Store } from "../engine/store.js";
import { clockProgress } from "../schema/views.js";

/** A job the monitor holds: followed (checked on a schedule), or passing (a command on one job). */
export interface Tracked {
  job: JobRecord;
  /** The handle's hint of when to check next, from the last check. */
  hintMs?: number;
  handle?: JobHandle;
  checking: boolean;
  lastPersistedAt: number;
}

/**
 * What the monitor writes and tells about jobs: changes at once, quiet check results at most every
 * few seconds, and each job as people see it (with its next check). Jobs deleted by this process
 * are neither written nor told again, whatever an await that ends later would do.
 */
export class JobRecorder {
  /** Reading the Store on every update to find deleted jobs would flush its batched writes. */
  private readonly deletedIds = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly events: EngineEvents,
    private readonly nextCheckOf: (entry: Tracked) => number | undefined,
  ) {}

  deleted(jobId: string): void {
    this.deletedIds.add(jobId);
  }

  isDeleted(jobId: string): boolean {
    return this.deletedIds.has(jobId);
  }

  /** Tells a job as it is now, when anyone listens. */
  tell(entry: Tracked): void {
    if (this.events.hasJobListeners) this.events.emit({ type: "job", job: this.view(entry) });
  }

  /**
   * The job as people see it: the record plus when it is checked next, and its progress as of now
   * when it moves with time (its clock), not as of the last check.
   */
  view(entry: Tracked): JobRecord {
    const dueAt = this.nextCheckOf(entry);
    const { job } = entry;
    return {
      ...job,
      ...(job.progressClock
        ? { progress: clockProgress(job.progressClock.startedAt, job.progressClock.endsAt, Date.now()) }
        : {}),
      nextCheckAt: dueAt === undefined ? undefined : new Date(dueAt).toISOString(),
    };
  }

  /** Writes the fields a quiet check changes (progress, check time, message). */
  persist(entry: Tracked): void {
    const { job } = entry;
    entry.lastPersistedAt = Date.now();
    if (this.deletedIds.has(job.id)) return;
    this.store.updateJob(job.id, {
      state: job.state,
      lastCheckedAt: job.lastCheckedAt,
      progress: job.progress,
      message: job.message,
      failedChecks: job.failedChecks,
    });
  }

  /** Writes a change of a job and tells it, as people see it. */
  write(entry: Tracked, patch: Partial<JobRecord>): JobRecord {
    entry.job = { ...entry.job, ...patch };
    entry.lastPersistedAt = Date.now();
    // A job deleted while an await was pending is gone: no write, no event that would bring it back.
    if (this.deletedIds.has(entry.job.id)) return entry.job;
    this.store.updateJob(entry.job.id, patch);
    const view = this.view(entry);
    this.events.emit({ type: "job", job: view });
    return view;
  }
}
