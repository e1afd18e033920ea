import type { RunView } from "../engine/engine.js";
import type { EngineEvent } from "../engine/engine-events.js";
import { type LabflowRuntime, openRuntime } from "../labflow-runtime.js";
import { isFinishedRun } from "../schema/states.js";
import type { LabflowAccess } from "./labflow-access.js";

/** The engine in this process, for as long as the command takes. */
export class LocalAccess implements LabflowAccess {
  readonly where = "local" as const;

  private constructor(private readonly runtime: LabflowRuntime) {}

  /** Opens the data folder without continuing other runs: this process lives only as long as the command. */
  static async open(dataDir: string): Promise<LocalAccess> {
    return new LocalAccess(await openRuntime({ dataDir, restore: false }));
  }

  async startRun(document: unknown, options = {}) {
    return this.runtime.engine.startRun(document, options);
  }

  async getRun(runId: string) {
    return this.runtime.engine.getRun(runId);
  }

  async listRuns() {
    return this.runtime.engine.listRuns();
  }

  waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: EngineEvent) => void },
  ): Promise<RunView> {
    const { engine } = this.runtime;
    return new Promise((resolve) => {
      const done = () => {
        const view = engine.getRun(runId);
        const stop = isFinishedRun(view.status) || (options.untilSuspended && view.status === "suspended");
        if (stop) {
          unsubscribe();
          resolve(view);
        }
        return stop;
      };
      const unsubscribe = engine.events.on((event) => {
        const mine =
          event.type === "job"
            ? event.job.runId === runId
            : event.type === "log"
              ? event.entry.runId === runId
              : event.runId === runId;
        if (!mine) return;
        options.onEvent?.(event);
        if (event.type === "run") done();
      });
      done();
    });
  }

  async cancelRun(runId: string) {
    return this.runtime.engine.cancelRun(runId);
  }

  async resumeRun(runId: string) {
    return this.runtime.engine.resumeRun(runId);
  }

  async listJobs(filter?: { runId?: string }) {
    return this.runtime.monitor.list(filter);
  }

  async getJob(jobId: string) {
    return this.runtime.monitor.get(jobId);
  }

  async checkJob(jobId: string) {
    return this.runtime.monitor.checkNow(jobId);
  }

  async pauseJob(jobId: string, paused: boolean) {
    return paused ? this.runtime.monitor.pause(jobId) : this.runtime.monitor.resume(jobId);
  }

  async cancelJob(jobId: string) {
    return this.runtime.monitor.cancelJob(jobId);
  }

  async jobLog(jobId: string, stream: "stdout" | "stderr", offset: number) {
    return this.runtime.monitor.log(jobId, stream, offset);
  }

  async close() {
    this.runtime.close();
  }
}
