import type { ProgressClock } from "../../modules/sdk/job.js";
import type { JobRecord, ModuleFailure, ModuleStatus, RunLogEntry, RunStatus } from "./records.js";

/**
 * What the engine tells its listeners (the runtime's application bus, the CLI's progress, tests),
 * as it happens: runs, modules, jobs and run logs, nothing else. Pipelines, settings and
 * instrument data go through the application bus (server/app-events.ts).
 */
export type EngineEvent =
  | { type: "run"; runId: string; status: RunStatus; message?: string }
  | {
      type: "module";
      runId: string;
      moduleId: string;
      status: ModuleStatus;
      outputs?: Record<string, unknown>;
      error?: ModuleFailure;
      progress?: number;
      progressClock?: ProgressClock;
    }
  | { type: "job"; job: JobRecord }
  /** A job was removed from the list (`DELETE /api/jobs/:id`): views drop it. */
  | { type: "job.deleted"; runId: string; jobId: string }
  | { type: "log"; entry: Omit<RunLogEntry, "seq"> };

export type EventListener<E> = (event: E) => void;

/** A minimal typed event bus: listeners are called in order; one that throws does not stop the others. */
export class EventBus<E> {
  private readonly listeners = new Set<EventListener<E>>();

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  on(listener: EventListener<E>): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: E): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener (a closed socket, a UI bug) must never break a run.
        console.error("labflow: an event listener failed:", error);
      }
    }
  }
}

export type EngineListener = EventListener<EngineEvent>;

/**
 * The engine's bus. A listener to jobs alone (`onJob`: the instrument data tail follows its jobs
 * so) does not count in `hasListeners`, so the engine still skips building the module and run
 * events nobody receives; `hasJobListeners` counts both.
 */
export class EngineEvents extends EventBus<EngineEvent> {
  private readonly jobs = new EventBus<JobRecord>();

  get hasJobListeners(): boolean {
    return this.hasListeners || this.jobs.hasListeners;
  }

  onJob(listener: EventListener<JobRecord>): () => void {
    return this.jobs.on(listener);
  }

  override emit(event: EngineEvent): void {
    super.emit(event);
    if (event.type === "job") this.jobs.emit(event.job);
  }
}
