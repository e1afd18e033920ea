import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { JobCheck, JobHandle, LogChunk } from "../../modules/sdk/job.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import { EngineError } from "../engine/engine-error.js";
import type { EngineEvents } from "../engine/engine-events.js";
import type { JobTracker } from "../engine/execution-environment.js";
import { FINISHED_JOB_STATES, type JobRecord } from "../engine/records.js";
import type { JobFilter, Store } from "../engine/store.js";
import { CheckDeadlines } from "./check-deadlines.js";
import {
  backoffDelay,
  effectiveInterval,
  type GlobalCheckInterval,
  MIN_CHECK_INTERVAL_MS,
} from "./check-interval.js";
import { DueQueue } from "./due-queue.js";

export interface JobMonitorOptions {
  store: Store;
  registry: ModuleRegistry;
  events: EngineEvents;
  jobDir(job: Pick<JobRecord, "id" | "runId">): string;
  /** Told when a job reached a final state, and when its progress changed. */
  onSettled(job: JobRecord): void;
  onProgress(job: JobRecord): void;
  globalInterval?: GlobalCheckInterval;
  /** What the server lends modules (instruments...), handed to job handles. */
  services?: ModuleServices;
  /** Checks in flight at once, across all jobs. */
  maxConcurrentChecks?: number;
  /** Consecutive failed checks after which a job fails. */
  maxFailedChecks?: number;
  /** A check that takes longer counts as failed. */
  checkTimeoutMs?: number;
  /** Progress and last-checked times are written at most this often per job (state changes at once). */
  persistEveryMs?: number;
}

interface Tracked {
  job: JobRecord;
  /** When the last check answered, while the job is followed (written out as text only when read). */
  lastCheckedMs?: number;
  /** The handle's hint of when to check next, from the last check. */
  hintMs?: number;
  handle?: JobHandle;
  /** When the next automatic check is due (ms epoch); undefined when none is scheduled. */
  dueAt?: number;
  checking: boolean;
  lastPersistedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const percentOf = (progress: number | undefined) =>
  progress === undefined ? -1 : Math.floor(progress * 100);
/** How early a job may be checked so that checks due close together share one wake-up. */
const BATCH_SLACK_MS = 10;

/**
 * The job monitor loop: checks each active job through its handle at its interval, with backoff on
 * failed checks, a bound on checks in flight, pause, check-now and cancel. Handles are rebuilt from
 * the persisted params; the monitor keeps nothing a restart would need.
 */
export class JobMonitor implements JobTracker {
  private readonly tracked = new Map<string, Tracked>();
  private readonly due = new DueQueue();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  private stopped = false;
  private globalInterval: GlobalCheckInterval;
  private readonly deadlines = new CheckDeadlines();
  /** Each module type's default check interval (null: none), looked up once. */
  private readonly moduleIntervals = new Map<string, number | null>();
  /**
   * Jobs deleted by this process: an await that ends after the delete must not write or tell them
   * again (an id per deleted job, kept while the process lives; reading the Store on every update
   * would flush its batched writes).
   */
  private readonly deletedIds = new Set<string>();

  constructor(private readonly options: JobMonitorOptions) {
    this.globalInterval = options.globalInterval ?? "module-default";
  }

  /** Starts following a job (new, or re-attached after a restart). */
  track(job: JobRecord): void {
    if (FINISHED_JOB_STATES.includes(job.state) || this.stopped) return;
    const existing = this.tracked.get(job.id);
    if (existing) {
      existing.job = job;
      return;
    }
    const entry: Tracked = { job, checking: false, lastPersistedAt: Date.now() };
    this.tracked.set(job.id, entry);
    // A job never checked yet (new) is checked at once: its first answer says whether it really
    // runs or waits (qw) for a pipeline, instead of showing `running` for a whole interval.
    const interval = this.intervalOf(job);
    const firstCheck = job.lastCheckedAt === undefined && interval !== undefined;
    this.schedule(entry, job.state === "cancelling" || firstCheck ? 0 : interval);
  }

  /** The jobs, with the live check times of those being followed. */
  list(filter?: JobFilter): JobRecord[] {
    return this.options.store.listJobs(filter).map((job) => {
      const entry = this.tracked.get(job.id);
      return entry ? this.view(entry) : job;
    });
  }

  get(jobId: string): JobRecord {
    const entry = this.tracked.get(jobId);
    const job = entry ? this.view(entry) : this.options.store.getJob(jobId);
    if (!job) throw EngineError.notFound("job", jobId);
    return job;
  }

  /** Checks a job now, whatever its schedule or pause; answers with the job after the check. */
  async checkNow(jobId: string): Promise<JobRecord> {
    const job = this.get(jobId);
    if (FINISHED_JOB_STATES.includes(job.state) || job.params === null) return job;
    // A job this process does not follow (a CLI command beside no server) is checked all the same.
    const entry = this.tracked.get(jobId) ?? { job, checking: false, lastPersistedAt: 0 };
    await this.check(entry);
    // Deleted while the check was in flight: the job is gone, not brought back by this answer.
    if (this.deletedIds.has(jobId)) throw EngineError.notFound("job", jobId);
    if (!this.tracked.has(jobId)) this.persist(entry);
    return this.view(entry);
  }

  /** Checks every active job of a run now. */
  async checkRun(runId: string): Promise<number> {
    const entries = [...this.tracked.values()].filter((t) => t.job.runId === runId);
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
    const jobs = this.list({ runId }).filter((j) => !FINISHED_JOB_STATES.includes(j.state));
    for (const job of jobs) this.setPaused(job.id, paused);
    return jobs.length;
  }

  /** Overrides one job's interval (null: back to the global/module default). */
  setJobInterval(jobId: string, intervalMs: number | null): JobRecord {
    const entry = this.tracked.get(jobId);
    if (!entry) return this.update(this.get(jobId), { intervalMs });
    entry.job = { ...entry.job, intervalMs };
    this.schedule(entry, this.intervalOf(entry.job));
    return this.update(entry.job, { intervalMs });
  }

  get checkInterval(): GlobalCheckInterval {
    return this.globalInterval;
  }

  setGlobalInterval(interval: GlobalCheckInterval): void {
    this.globalInterval = interval;
    for (const entry of this.tracked.values()) {
      this.schedule(entry, this.intervalOf(entry.job));
      this.emitView(entry);
    }
  }

  /** Stops the real work through the handle. Cancelling a finished job changes nothing and says so. */
  async cancel(jobId: string): Promise<void> {
    await this.cancelJob(jobId);
  }

  async cancelJob(jobId: string): Promise<{ job: JobRecord; message?: string }> {
    const job = this.get(jobId);
    if (FINISHED_JOB_STATES.includes(job.state))
      return { job, message: `job ${jobId} is already ${job.state}; nothing to cancel` };
    const entry = this.tracked.get(jobId) ?? { job, checking: false, lastPersistedAt: 0 };
    entry.job = this.update(entry.job, { state: "cancelling" });
    this.options.store.flush();
    try {
      const handle = this.handleOf(entry);
      await handle.cancel?.();
    } catch (error) {
      if (this.deletedIds.has(jobId)) throw EngineError.notFound("job", jobId);
      // The work may still be running: stay `cancelling`, say why, and try again at the next check.
      entry.job = this.update(entry.job, { message: `cancel failed: ${messageOf(error)}` });
      return { job: entry.job, message: entry.job.message };
    }
    this.settle(entry, { state: "cancelled", message: "cancelled" });
    // Deleted meanwhile: `get` says not found rather than answering with the job.
    return { job: this.get(jobId) };
  }

  /**
   * Removes a job from the list, cancelling it first when it is active. A job whose cancel fails is
   * kept (refused with `cancel_failed`): deleting it would leave its real work running unseen.
   */
  async delete(jobId: string): Promise<void> {
    const job = this.get(jobId);
    if (!FINISHED_JOB_STATES.includes(job.state)) {
      const { job: after, message } = await this.cancelJob(jobId);
      if (!FINISHED_JOB_STATES.includes(after.state))
        throw new EngineError(
          "cancel_failed",
          `job ${jobId} (${job.moduleId}) was not deleted: ${message ?? `it is still ${after.state}`}`,
        );
    }
    this.tracked.delete(jobId);
    this.deletedIds.add(jobId);
    this.options.store.deleteJob(jobId);
    this.options.events.emit({ type: "job.deleted", runId: job.runId, jobId });
  }

  /** A piece of the job's stdout or stderr, from a byte offset. */
  async log(jobId: string, stream: "stdout" | "stderr", offset: number): Promise<LogChunk> {
    const job = this.get(jobId);
    if (job.params === null) return { text: "", nextOffset: offset };
    const handle = this.handleOf(this.tracked.get(jobId) ?? { job, checking: false, lastPersistedAt: 0 });
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushProgress();
  }

  /** Writes the progress and check times kept in memory. */
  flushProgress(): void {
    for (const entry of this.tracked.values()) this.persist(entry);
  }

  get trackedCount(): number {
    return this.tracked.size;
  }

  private setPaused(jobId: string, paused: boolean): JobRecord {
    const entry = this.tracked.get(jobId);
    if (!entry) return this.update(this.get(jobId), { paused });
    // Rescheduled before the update is told, so that its event carries the new next check.
    entry.job = { ...entry.job, paused };
    this.schedule(entry, paused ? undefined : this.intervalOf(entry.job));
    return this.update(entry.job, { paused });
  }

  private intervalOf(job: JobRecord): number | undefined {
    let moduleDefault = this.moduleIntervals.get(job.moduleType);
    if (moduleDefault === undefined) {
      moduleDefault = this.options.registry.get(job.moduleType)?.job?.intervalMs ?? null;
      this.moduleIntervals.set(job.moduleType, moduleDefault);
    }
    return effectiveInterval(job.intervalMs, this.globalInterval, moduleDefault ?? undefined);
  }

  private schedule(entry: Tracked, delayMs: number | undefined): void {
    if (delayMs === undefined || entry.job.paused || this.stopped) {
      entry.dueAt = undefined;
      return;
    }
    entry.dueAt = Date.now() + delayMs;
    this.due.push(entry.dueAt, entry.job.id);
    this.armTimer();
  }

  private armTimer(): void {
    const next = this.due.peekTime();
    if (next === undefined || this.stopped || next >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    // Not unref'd: a process waiting on jobs must stay alive for them; close() stops the timer.
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, next - Date.now()));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const max = this.options.maxConcurrentChecks ?? 32;
    // Jobs due within the slack are checked together: a few timer wake-ups a second, not one per job.
    const now = Date.now() + BATCH_SLACK_MS;
    while (this.inFlight < max) {
      const soonest = this.due.peekTime();
      if (soonest === undefined || soonest > now) break;
      const { at, id } = this.due.pop() as { at: number; id: string };
      const entry = this.tracked.get(id);
      // Stale entries (rescheduled, paused or dropped since) are skipped.
      if (!entry || entry.dueAt !== at || entry.checking) continue;
      entry.dueAt = undefined;
      void this.check(entry);
    }
    if (this.inFlight >= max && (this.due.peekTime() ?? Number.POSITIVE_INFINITY) <= now) return; // re-armed when a check ends
    this.armTimer();
  }

  private async check(entry: Tracked): Promise<void> {
    if (entry.checking) return;
    entry.checking = true;
    this.inFlight++;
    const wasTracked = this.tracked.get(entry.job.id) === entry;
    try {
      if (entry.job.state === "cancelling") {
        await this.cancelJob(entry.job.id);
        if (FINISHED_JOB_STATES.includes(entry.job.state)) return;
      }
      const result = await this.deadlines.watch(
        this.handleOf(entry).check(),
        this.options.checkTimeoutMs ?? 30_000,
      );
      this.applyCheck(entry, result, wasTracked);
    } catch (error) {
      this.applyFailedCheck(entry, error, wasTracked);
    } finally {
      entry.checking = false;
      this.inFlight--;
      if (this.tracked.has(entry.job.id) && entry.dueAt === undefined) {
        const configured = this.intervalOf(entry.job);
        const interval =
          configured !== undefined && entry.hintMs !== undefined
            ? Math.max(MIN_CHECK_INTERVAL_MS, Math.min(configured, entry.hintMs))
            : configured;
        this.schedule(
          entry,
          interval === undefined
            ? undefined
            : entry.job.failedChecks
              ? backoffDelay(interval, entry.job.failedChecks)
              : interval,
        );
      }
      // Told after the next check is scheduled, so that people see both times move together.
      if (this.tracked.has(entry.job.id)) this.emitView(entry);
      this.armTimer();
    }
  }

  /**
   * An answer that arrives after the job left the monitor's hands (cancelled, deleted, settled by
   * another check) or while it is being cancelled changes nothing: it must never bring it back.
   */
  private outdated(entry: Tracked, wasTracked: boolean): boolean {
    if (FINISHED_JOB_STATES.includes(entry.job.state) || entry.job.state === "cancelling") return true;
    return wasTracked && this.tracked.get(entry.job.id) !== entry;
  }

  private applyCheck(entry: Tracked, result: JobCheck, wasTracked: boolean) {
    if (this.outdated(entry, wasTracked)) return;
    const now = Date.now();
    entry.hintMs = result.nextCheckMs;
    if (result.status === "finished" || result.status === "failed") entry.lastCheckedMs = undefined;
    const settled = () => ({ lastCheckedAt: iso(now), failedChecks: 0 });
    if (result.status === "finished") {
      return this.settle(entry, {
        ...settled(),
        state: "completed",
        progress: 1,
        message: result.message ?? entry.job.message,
      });
    }
    if (result.status === "failed")
      return this.settle(entry, {
        ...settled(),
        state: "failed",
        message: result.message ?? "the job failed",
      });
    const { job } = entry;
    const recovered = job.failedChecks > 0;
    // People see progress in percent: smaller steps are not worth telling the engine about.
    const changed =
      percentOf(result.progress) !== percentOf(job.progress) || result.message !== job.message || recovered;
    // Only these fields change with a check; they are set in place, as this runs for every check of
    // every job. The check time is kept as a number and written out as text only when read.
    entry.lastCheckedMs = now;
    job.failedChecks = 0;
    job.progress = result.progress;
    if (result.message !== undefined) job.message = result.message;
    // `waiting` (qw): the job waits for a device or pipeline; it runs again once the check says so.
    const state = result.status === "waiting" ? "waiting" : "running";
    if (job.state !== state && job.state !== "cancelling") this.update(job, { state });
    if (changed) this.options.onProgress(entry.job);
    if (recovered || now - entry.lastPersistedAt >= (this.options.persistEveryMs ?? 30_000))
      this.persist(entry);
  }

  private applyFailedCheck(entry: Tracked, error: unknown, wasTracked: boolean) {
    if (this.outdated(entry, wasTracked)) return;
    const failures = entry.job.failedChecks + 1;
    const max = this.options.maxFailedChecks ?? 5;
    const message = `check failed (${failures}/${max}): ${messageOf(error)}`;
    if (failures >= max || error instanceof HandleRebuildError) {
      const final =
        error instanceof HandleRebuildError
          ? error.message
          : `${max} checks in a row failed; last: ${messageOf(error)}`;
      this.settle(entry, {
        state: "failed",
        failedChecks: failures,
        lastCheckedAt: iso(Date.now()),
        message: final,
      });
      this.stopWorkOf(entry);
      return;
    }
    // A transient error does not fail the job: it is retried with backoff.
    entry.lastCheckedMs = Date.now();
    entry.job = this.update(entry.job, {
      failedChecks: failures,
      lastCheckedAt: iso(entry.lastCheckedMs),
      message,
    });
  }

  /**
   * A job the monitor gave up on (its checks kept failing, or hung) may still be working: it is
   * asked to stop, as a best effort (an instrument stops acquiring and frees its pipeline). The job
   * stays failed whatever the answer; a failure to stop is written in its message.
   */
  private stopWorkOf(entry: Tracked): void {
    let handle: JobHandle;
    try {
      handle = this.handleOf(entry);
    } catch {
      return; // no handle, no way to reach the work
    }
    if (!handle.cancel) return;
    const jobId = entry.job.id;
    void handle.cancel.call(handle, "failed").catch((error: unknown) => {
      if (!this.options.store.getJob(jobId)) return;
      this.update(entry.job, {
        message: `${entry.job.message}; stopping its work failed: ${messageOf(error)}`,
      });
    });
  }

  /** Puts a job in a final state, stops following it and tells the engine. */
  private settle(entry: Tracked, patch: Partial<JobRecord>): void {
    entry.dueAt = undefined;
    // Settled once: two cancels of one job (the check loop's retry and a Delete) may both end here,
    // and a job deleted meanwhile is not brought back by an event.
    const stored = this.deletedIds.has(entry.job.id) ? undefined : this.options.store.getJob(entry.job.id);
    if (!stored || FINISHED_JOB_STATES.includes(stored.state)) {
      if (stored) entry.job = stored;
      this.tracked.delete(entry.job.id);
      return;
    }
    entry.job = this.update(entry.job, { ...patch, finishedAt: iso(Date.now()), nextCheckAt: undefined });
    this.options.store.flush();
    this.tracked.delete(entry.job.id);
    this.options.onSettled(entry.job);
  }

  private handleOf(entry: Tracked): JobHandle {
    if (entry.handle) return entry.handle;
    const { job } = entry;
    const factory = this.options.registry.handleFactory(job.kind);
    if (!factory)
      throw new HandleRebuildError(
        `the handle cannot be rebuilt: no module provides the job kind "${job.kind}"`,
      );
    try {
      entry.handle = factory(job.params, {
        jobId: job.id,
        jobDir: this.options.jobDir(job),
        services: this.options.services,
      });
    } catch (error) {
      throw new HandleRebuildError(`the handle cannot be rebuilt from its params: ${messageOf(error)}`);
    }
    return entry.handle;
  }

  private emitView(entry: Tracked): void {
    if (this.options.events.hasListeners) this.options.events.emit({ type: "job", job: this.view(entry) });
  }

  /** The job as people see it: the record plus when it is checked next. */
  private view(entry: Tracked): JobRecord {
    return {
      ...entry.job,
      ...(entry.lastCheckedMs !== undefined ? { lastCheckedAt: iso(entry.lastCheckedMs) } : {}),
      nextCheckAt: entry.dueAt === undefined ? undefined : iso(entry.dueAt),
    };
  }

  private persist(entry: Tracked): void {
    const job = this.view(entry);
    entry.lastPersistedAt = Date.now();
    this.options.store.updateJob(job.id, {
      lastCheckedAt: job.lastCheckedAt,
      progress: job.progress,
      message: job.message,
      failedChecks: job.failedChecks,
    });
  }

  private update(job: JobRecord, patch: Partial<JobRecord>): JobRecord {
    const updated = { ...job, ...patch };
    // A job deleted while an await was pending is gone: no write, no event that would bring it back.
    if (this.deletedIds.has(job.id)) return updated;
    this.options.store.updateJob(job.id, patch);
    const entry = this.tracked.get(job.id);
    if (entry) {
      entry.job = updated;
      entry.lastPersistedAt = Date.now();
    }
    // A followed job is told as people see it (live check times), never with older stored ones.
    this.options.events.emit({ type: "job", job: entry ? this.view(entry) : updated });
    return updated;
  }
}

/** The handle of a job cannot be made: retrying will not help, the job fails at once. */
class HandleRebuildError extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
