import type { MessageOf } from "../schema/messages.js";
import type { JobRecord, ModuleFailure, ModuleStatus, RunLogEntry, RunStatus } from "./records.js";

/** What the engine tells its listeners (the ws hub, the CLI's progress, tests), as it happens. */
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
    }
  | { type: "job"; job: JobRecord }
  /** A job was removed from the list (`DELETE /api/jobs/:id`): views drop it. */
  | { type: "job.deleted"; runId: string; jobId: string }
  | { type: "log"; entry: Omit<RunLogEntry, "seq"> }
  /** Instrument data, pipelines and settings (their shapes are the wire contract's). */
  | MessageOf<"job.data">
  | MessageOf<"pipeline">
  | MessageOf<"settings">;

export type EngineListener = (event: EngineEvent) => void;

/** A minimal typed event bus: listeners are called in order; one that throws does not stop the others. */
export class EngineEvents {
  private readonly listeners = new Set<EngineListener>();

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
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
