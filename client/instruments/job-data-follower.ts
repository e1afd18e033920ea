/**
 * Follows one job's data: fetches what the data file holds, then takes the job's `job.data` events,
 * and after a reconnect or a gap fetches from the last offset it has. Events that arrive while a
 * fetch is out are held and applied after its answer, so the answer and the events chain by offset.
 * Everything that arrives is applied once per animation frame: a burst of events costs one redraw.
 *
 * Each fetch asks for at most half the series' bound (`maxPoints`): a server that knows the
 * parameter reads to the end of the file and thins a longer range evenly, so opening a week-long
 * job is one small answer. An older server ignores it and answers every reading in parts of about
 * 8 MB, which the bounded series thins as they come.
 */

import type { JobDataAnswer } from "../../server/schema/pipelines-api.js";
import { isFinishedJob } from "../../server/schema/states.js";
import type { JobView } from "../../server/schema/views.js";
import { ApiError } from "../platform/api/api-client.js";
import type { InstrumentEventsListener } from "./instrument-events.js";
import { JobDataSeries, type ReadingsBatch } from "./job-data-series.js";

/**
 * Without thinning the server answers at most about 8 MB of the file at a time: an answer this big
 * may have left some out, so it is followed by another fetch (a job that ended sends no event to
 * show the gap). A decimated answer always reaches the end of the file.
 */
const MAY_CONTINUE_BYTES = 1024 * 1024;

export interface FollowerDeps {
  fetchData(jobId: string, offset: number, maxPoints: number): Promise<JobDataAnswer>;
  listen(listener: InstrumentEventsListener): () => void;
  /** Runs `callback` before the next paint; returns a canceller. */
  nextFrame(callback: () => void): () => void;
}

export interface FollowerView {
  /** Called after each frame that applied something. */
  onFrame(series: JobDataSeries): void;
  /** What went wrong (undefined once it works again), and whether retrying makes sense. */
  onProblem(message: string | undefined): void;
  /** The job's state as last heard (from the data answer or a job event). */
  onState?(state: string): void;
}

export class JobDataFollower {
  readonly series: JobDataSeries;
  private pending: ReadingsBatch[] = [];
  /** Applied to the series but not drawn yet. */
  private dirty = false;
  private held: ReadingsBatch[] | undefined;
  private again = false;
  private cancelFrame: (() => void) | undefined;
  private stopListening: (() => void) | undefined;
  private stopped = false;
  /** A fetch answered that this job has no data: stop asking. */
  private gone = false;

  constructor(
    readonly jobId: string,
    private readonly view: FollowerView,
    private readonly deps: FollowerDeps,
    maxPoints?: number,
  ) {
    this.series = new JobDataSeries(maxPoints);
  }

  start(): void {
    this.stopListening = this.deps.listen({
      onData: (event) => {
        if (event.jobId !== this.jobId) return;
        if (this.held) this.held.push(event);
        else this.enqueue(event);
      },
      onJob: (job: JobView) => {
        if (job.id !== this.jobId) return;
        this.view.onState?.(job.state);
        // The last readings may be written just before the job ends: read to the end once more.
        if (isFinishedJob(job.state)) void this.fetch();
      },
      onConnected: () => void this.fetch(),
    });
    void this.fetch();
  }

  stop(): void {
    this.stopped = true;
    this.stopListening?.();
    this.cancelFrame?.();
  }

  /** Fetches from the last offset; a fetch asked for while one is out runs after it. */
  async fetch(): Promise<void> {
    if (this.stopped || this.gone) return;
    if (this.held) {
      this.again = true;
      return;
    }
    this.held = [];
    // Ask from the end of what arrived so far, drawn or not (this fetch also fills any gap in it).
    this.applyPending();
    try {
      const { series } = this;
      const answer = await this.deps.fetchData(
        this.jobId,
        series.nextOffset,
        Math.floor(series.maxPoints / 2),
      );
      this.view.onProblem(undefined);
      this.view.onState?.(answer.state);
      this.pending.push(answer);
      if (!answer.decimated && answer.nextOffset - answer.offset >= MAY_CONTINUE_BYTES) this.again = true;
    } catch (error) {
      const notFound = error instanceof ApiError && error.status === 404;
      if (notFound) this.gone = true;
      this.view.onProblem(error instanceof Error ? error.message : String(error));
    } finally {
      const held = this.held ?? [];
      this.held = undefined;
      for (const batch of held) this.pending.push(batch);
      this.schedule();
    }
    if (this.again) {
      this.again = false;
      await this.fetch();
    }
  }

  private enqueue(batch: ReadingsBatch): void {
    this.pending.push(batch);
    this.schedule();
  }

  private schedule(): void {
    if (this.cancelFrame || this.stopped || (this.pending.length === 0 && !this.dirty)) return;
    this.cancelFrame = this.deps.nextFrame(() => {
      this.cancelFrame = undefined;
      this.flush();
    });
  }

  private flush(): void {
    const gap = this.applyPending();
    if (this.dirty) this.view.onFrame(this.series);
    this.dirty = false;
    if (gap) void this.fetch();
  }

  /** Applies what arrived to the series; true when a batch showed a gap. */
  private applyPending(): boolean {
    const batches = this.pending;
    this.pending = [];
    let gap = false;
    for (const batch of batches) {
      if (this.series.apply(batch) === "gap") gap = true;
      this.dirty = true;
    }
    return gap;
  }
}

/** The browser's frame scheduler. */
export function animationFrame(callback: () => void): () => void {
  const id = requestAnimationFrame(callback);
  return () => cancelAnimationFrame(id);
}
