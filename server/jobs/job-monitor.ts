import type { JobCheck, JobHandle, LogChunk, ProgressClock } from "../../modules/sdk/job.js";
import { EngineError } from "../engine/engine-error.js";
import type { JobTracker } from "../engine/execution-environment.js";
import { applyJobEvent, type JobEvent } from "../engine/job-lifecycle.js";
import { changedFields } from "../engine/job-patch.js";
import type { JobRecord } from "../engine/records.js";
import type { JobFilter } from "../engine/store.js";
import { isFinishedJob } from "../schema/states.js";
import { CheckDeadlines } from "./check-deadlines.js";
import { type GlobalCheckInterval, ModuleIntervals, nextCheckDelay } from "./check-interval.js";
import { CheckSchedule } from "./check-schedule.js";
import { HandleRebuildError, messageOf, rebuildHandle } from "./job-handles.js";
import type { JobMonitorOptions } from "./job-monitor-options.js";
import { JobRecorder, type Tracked } from "./job-recorder.js";

export type { JobMonitorOptions } from "./job-monitor-options.js";

const percentOf = (progress: number | undefined) =>
  progress === undefined ? -1 : Math.floor(progress * 100);
const nowIso = () => new Date().toISOString();
const sameClock = (a: ProgressClock | undefined, b: ProgressClock | undefined) =>
  a?.startedAt === b?.startedAt && a?.endsAt === b?.endsAt;

/**
 * The job monitor: follows each active job through its handle at its interval, with backoff on
 * failed checks, a bound on checks in flight, pause, check-now and cancel. Every change of a job goes
 * through the lifecycle's one transition function (server/engine/job-lifecycle.ts); this class only
 * schedules, persists and tells. Handles are rebuilt from the persisted params; the monitor keeps
 * nothing a restart would need.
 */
export class JobMonitor implements JobTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly schedule: CheckSchedule;
  private stopped = false;
  private globalInterval: GlobalCheckInterval;
  private readonly deadlines = new CheckDeadlines();
  private readonly recorder: JobRecorder;

  private readonly intervals: ModuleIntervals;

  constructor(private readonly options: JobMonitorOptions) {
    this.intervals = new ModuleIntervals(options.registry);
    this.globalInterval = options.globalInterval ?? "module-default";
    this.schedule = new CheckSchedule((id) => {
      const entry = this.tracked.get(id);
      if (entry) void this.check(entry);
    }, options.maxConcurrentChecks ?? 32);
    this.recorder = new JobRecorder(options.store, options.events, (entry) =>
      this.tracked.get(entry.job.id) === entry ? this.schedule.dueAt(entry.job.id) : undefined,
    );
  }

  /** Starts following a job (new, re-attached after a restart, or cancelled while it started). */
  track(job: JobRecord): void {
    if (isFinishedJob(job.state) || this.stopped || job.params === null) return;
    const existing = this.tracked.get(job.id);
    if (existing) {
      existing.job = job;
      if (job.state === "cancelling") this.reschedule(existing, 0);
      return;
    }
    const entry: Tracked = { job, checking: false, lastPersistedAt: Date.now() };
    this.tracked.set(job.id, entry);
    // A job never checked yet (new) is checked at once: its first answer says whether it really
    // runs or waits (qw) for a pipeline, instead of showing `running` for a whole interval.
    const interval = this.intervalOf(job);
    const firstCheck = job.lastCheckedAt === undefined && interval !== undefined;
    this.reschedule(entry, job.state === "cancelling" || firstCheck ? 0 : interval);
  }

  /** The jobs, with the live check times of those being followed. */
  list(filter?: JobFilter): JobRecord[] {
    return this.options.store.listJobs(filter).map((job) => {
      const entry = this.tracked.get(job.id);
      return entry ? this.recorder.view(entry) : job;
    });
  }

  get(jobId: string): JobRecord {
    const entry = this.tracked.get(jobId);
    const job = entry ? this.recorder.view(entry) : this.options.store.getJob(jobId);
    if (!job) throw EngineError.notFound("job", jobId);
    return job;
  }

  /** Checks a job now, whatever its schedule or pause; answers with the job after the check. */
  async checkNow(jobId: string): Promise<JobRecord> {
    const entry = this.entryOf(this.get(jobId));
    if (isFinishedJob(entry.job.state) || entry.job.params === null) return this.recorder.view(entry);
    await this.check(entry);
    // Deleted while the check was in flight: the job is gone, not brought back by this answer.
    if (this.recorder.isDeleted(jobId)) throw EngineError.notFound("job", jobId);
    // A job this process does not follow (a CLI command beside no server): its answer is kept.
    if (!this.tracked.has(jobId)) this.recorder.persist(entry);
    return this.recorder.view(entry);
  }

  /** Checks every active job of a run now, except those whose checking is paused (as VisTrails does). */
  async checkRun(runId: string): Promise<number> {
    const entries = [...this.tracked.values()].filter((t) => t.job.runId === runId && !t.job.paused);
    await Promise.all(entries.map((t) => this.check(t)));
    return entries.length;
  }

  pause(jobId: string): JobRecord {
    return this.setPaused(jobId, true);
  }

  resume(jobId: string): JobRecord {
    return this.setPaused(jobId, false);
  }

  pauseRun(runId: string, paused: boolean): number {
    const jobs = this.list({ runId }).filter((j) => !isFinishedJob(j.state));
    for (const job of jobs) this.setPaused(job.id, paused);
    return jobs.length;
  }

  /** Overrides one job's interval (null: back to the global/module default). */
  setJobInterval(jobId: string, intervalMs: number | null): JobRecord {
    const entry = this.entryOf(this.get(jobId));
    entry.job = { ...entry.job, intervalMs };
    if (this.tracked.has(jobId)) this.reschedule(entry, this.intervalOf(entry.job));
    return this.recorder.write(entry, { intervalMs });
  }

  get checkInterval(): GlobalCheckInterval {
    return this.globalInterval;
  }

  setGlobalInterval(interval: GlobalCheckInterval): void {
    this.globalInterval = interval;
    for (const entry of this.tracked.values()) {
      this.reschedule(entry, this.intervalOf(entry.job));
      this.recorder.tell(entry);
    }
  }

  /** Stops the real work through the handle. Cancelling a finished job changes nothing and says so. */
  async cancel(jobId: string): Promise<void> {
    await this.cancelJob(jobId);
  }

  async cancelJob(jobId: string): Promise<{ job: JobRecord; message?: string }> {
    const entry = this.entryOf(this.get(jobId));
    if (isFinishedJob(entry.job.state))
      return { job: entry.job, message: `job ${jobId} is already ${entry.job.state}; nothing to cancel` };
    this.apply(entry, { type: "cancel_requested", at: nowIso() });
    this.options.store.flush();
    // Still starting: the engine stops the work as soon as `start` returns (the lifecycle says so).
    if (entry.job.params === null)
      return { job: entry.job, message: `job ${jobId} is starting; it is cancelled as soon as it started` };
    await this.stopWork(entry, "cancelled");
    if (this.recorder.isDeleted(jobId)) throw EngineError.notFound("job", jobId);
    const after = this.recorder.view(entry);
    return after.state === "cancelling" ? { job: after, message: after.message } : { job: after };
  }

  /**
   * Removes a job from the list, cancelling it first when it is active. A job whose cancel fails is
   * kept (refused with `cancel_failed`): deleting it would leave its real work running unseen.
   */
  async delete(jobId: string): Promise<void> {
    const job = this.get(jobId);
    if (!isFinishedJob(job.state)) {
      const { job: after, message } = await this.cancelJob(jobId);
      if (!isFinishedJob(after.state))
        throw new EngineError(
          "cancel_failed",
          `job ${jobId} (${job.moduleId}) was not deleted: ${message ?? `it is still ${after.state}`}`,
        );
    }
    this.tracked.delete(jobId);
    this.schedule.set(jobId, undefined);
    this.recorder.deleted(jobId);
    this.options.store.deleteJob(jobId);
    this.options.events.emit({ type: "job.deleted", runId: job.runId, jobId });
  }

  /** A piece of the job's stdout or stderr, from a byte offset. */
  async log(jobId: string, stream: "stdout" | "stderr", offset: number): Promise<LogChunk> {
    const job = this.get(jobId);
    if (job.params === null) return { text: "", nextOffset: offset };
    const handle = this.handleOf(this.entryOf(job));
    const read = stream === "stdout" ? handle.stdout : handle.stderr;
    if (!read) throw new EngineError("no_log", `a ${job.moduleType} job has no ${stream}`);
    const chunk = await read.call(handle, offset);
    // The stream's size is told with the first read (offset 0) only: it is where a viewer starts.
    return offset === 0 ? chunk : { text: chunk.text, nextOffset: chunk.nextOffset };
  }

  /** Stops all timers (the server is shutting down); jobs stay as they are in the Store. */
  stop(): void {
    this.stopped = true;
    this.deadlines.stop();
    this.schedule.stop();
    this.flushProgress();
  }

  /** Writes the progress and check times kept in memory. */
  flushProgress(): void {
    for (const entry of this.tracked.values()) this.recorder.persist(entry);
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  /** The followed entry of a job, or a passing one for a job this process does not follow. */
  private entryOf(job: JobRecord): Tracked {
    return this.tracked.get(job.id) ?? { job, checking: false, lastPersistedAt: 0 };
  }

  private setPaused(jobId: string, paused: boolean): JobRecord {
    const entry = this.entryOf(this.get(jobId));
    // Rescheduled before the update is told, so that its event carries the new next check.
    entry.job = { ...entry.job, paused };
    if (this.tracked.has(jobId)) this.reschedule(entry, paused ? undefined : this.intervalOf(entry.job));
    return this.recorder.write(entry, { paused });
  }

  private intervalOf(job: JobRecord): number | undefined {
    return this.intervals.of(job, this.globalInterval);
  }

  private reschedule(entry: Tracked, delayMs: number | undefined): void {
    this.schedule.set(entry.job.id, entry.job.paused ? undefined : delayMs);
  }

  private async check(entry: Tracked): Promise<void> {
    if (entry.checking) return;
    entry.checking = true;
    this.schedule.checkBegan();
    try {
      // A cancel that failed earlier is tried again instead of a check.
      if (entry.job.state === "cancelling") return await this.stopWork(entry, "cancelled");
      const answer: JobCheck = await this.deadlines.watch(
        this.handleOf(entry).check(),
        this.options.checkTimeoutMs ?? 30_000,
      );
      entry.hintMs = answer.nextCheckMs;
      this.apply(entry, { type: "check_answered", answer, at: nowIso() });
    } catch (error) {
      this.apply(entry, {
        type: "check_failed",
        message: messageOf(error),
        maxFailedChecks: this.options.maxFailedChecks ?? 5,
        fatal: error instanceof HandleRebuildError,
        at: nowIso(),
      });
    } finally {
      entry.checking = false;
      if (this.tracked.get(entry.job.id) === entry && this.schedule.dueAt(entry.job.id) === undefined)
        this.reschedule(entry, this.nextDelay(entry));
      // Told after the next check is scheduled, so that people see both times move together.
      if (this.tracked.get(entry.job.id) === entry) this.recorder.tell(entry);
      this.schedule.checkEnded();
    }
  }

  private nextDelay(entry: Tracked): number | undefined {
    return nextCheckDelay(this.intervalOf(entry.job), entry.hintMs, entry.job.failedChecks);
  }

  /**
   * Applies one lifecycle event: persists and tells what changed, then does what the transition
   * asks (stop the work, settle). An event for a deleted job changes nothing.
   */
  private apply(entry: Tracked, event: JobEvent): void {
    if (this.recorder.isDeleted(entry.job.id)) return;
    const before = entry.job;
    const { job, changed, effects } = applyJobEvent(before, event);
    if (!changed) return;
    entry.job = job;
    if (effects.settle) this.settle(entry, before);
    else {
      if (job.state !== before.state || job.message !== before.message || job.failedChecks > 0)
        this.recorder.write(entry, changedFields(before, job));
      else this.checkedQuietly(entry, before);
      // Modules show the progress people see: a new whole percent, a new clock (a restart's first
      // check), or the answer after failed checks.
      if (
        percentOf(job.progress) !== percentOf(before.progress) ||
        !sameClock(job.progressClock, before.progressClock) ||
        (before.failedChecks > 0 && job.failedChecks === 0)
      )
        this.options.onProgress(job);
    }
    if (effects.stopWork === "failed") void this.stopWork(entry, "failed");
  }

  /** A check that changed no state: written at most every few seconds (and after failed checks). */
  private checkedQuietly(entry: Tracked, before: JobRecord): void {
    const recovered = before.failedChecks > 0;
    if (recovered || Date.now() - entry.lastPersistedAt >= (this.options.persistEveryMs ?? 30_000))
      this.recorder.persist(entry);
  }

  /**
   * Asks the work to stop through the handle. `cancelled`: a person or a run asked; the job is
   * cancelled when the handle says so and stays `cancelling` (retried at the next check) when it
   * fails. `failed`: the monitor gave up on the job (its checks kept failing), as a best effort;
   * the job stays failed whatever the answer.
   */
  private async stopWork(entry: Tracked, reason: "cancelled" | "failed"): Promise<void> {
    const jobId = entry.job.id;
    try {
      const handle = this.handleOf(entry);
      await handle.cancel?.call(handle, reason);
    } catch (error) {
      if (reason === "cancelled")
        this.apply(entry, { type: "cancel_failed", message: messageOf(error), at: nowIso() });
      else if (this.options.store.getJob(jobId))
        this.recorder.write(entry, {
          message: `${entry.job.message}; stopping its work failed: ${messageOf(error)}`,
        });
      return;
    }
    if (reason === "cancelled") this.apply(entry, { type: "cancel_done", at: nowIso() });
  }

  /** Writes a final state at once, stops following the job and tells the engine. */
  private settle(entry: Tracked, before: JobRecord): void {
    const id = entry.job.id;
    this.schedule.set(id, undefined);
    this.tracked.delete(id);
    // Settled once: a passing entry of a job that another path settled meanwhile tells nothing.
    const stored = this.options.store.getJob(id);
    if (!stored || isFinishedJob(stored.state)) {
      if (stored) entry.job = stored;
      return;
    }
    entry.job = { ...entry.job, nextCheckAt: undefined };
    this.recorder.write(entry, { ...changedFields(before, entry.job), nextCheckAt: undefined });
    this.options.store.flush();
    this.options.onSettled(entry.job);
  }

  private handleOf(entry: Tracked): JobHandle {
    entry.handle ??= rebuildHandle(
      entry.job,
      this.options.registry,
      this.options.jobDir(entry.job),
      this.options.services,
    );
    return entry.handle;
  }
}
