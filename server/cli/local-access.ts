import { cancelJobAnswer, eventMessage, jobView, runDetail } from "../app/views.js";
import type { Engine } from "../engine/engine.js";
import type { RunRecord } from "../engine/records.js";
import { type LabflowRuntime, openRuntime } from "../labflow-runtime.js";
import type { ServerMessage } from "../schema/messages.js";
import { isFinishedRun } from "../schema/states.js";
import type { RunDetail } from "../schema/views.js";
import { findInterruptedRun } from "./interrupted-run.js";
import type { InterruptedRun, LabflowAccess } from "./labflow-access.js";

/** The engine in this process, for as long as the command takes. */
export class LocalAccess implements LabflowAccess {
  readonly where = "local" as const;

  private constructor(
    private readonly runtime: LabflowRuntime,
    /** The runs that were unfinished when this command opened the folder and restored them. */
    private readonly interrupted: readonly RunRecord[],
  ) {}

  /**
   * Takes the data folder (a DataFolderInUseError when another labflow holds it). With `restore`,
   * continues its unfinished runs as `labflow serve` would, for as long as the command lives;
   * without, they are left as they are (commands that only look, or act on one job).
   */
  static async open(dataDir: string, options: { restore?: boolean } = {}): Promise<LocalAccess> {
    const runtime = await openRuntime({ dataDir, restore: false });
    try {
      // Listed before restoring: a restored run may end before the command looks for it.
      const interrupted = options.restore ? runtime.store.unfinishedRuns() : [];
      if (options.restore) runtime.engine.restore();
      return new LocalAccess(runtime, interrupted);
    } catch (error) {
      runtime.close();
      throw error;
    }
  }

  async interruptedRunOf(document: unknown): Promise<InterruptedRun | undefined> {
    const run = findInterruptedRun(this.runtime.engine, this.interrupted, document);
    return run && { runId: run.id, createdAt: run.createdAt };
  }

  async startRun(document: unknown, options = {}) {
    return this.runtime.engine.startRun(document, options);
  }

  async getRun(runId: string) {
    return runDetail(this.runtime.engine.getRun(runId));
  }

  async listRuns() {
    return this.runtime.engine.listRuns();
  }

  waitForRun(
    runId: string,
    options: { untilSuspended?: boolean; onEvent?: (event: ServerMessage) => void },
  ): Promise<RunDetail> {
    const { engine } = this.runtime;
    return new Promise((resolve) => {
      const done = () => {
        const view = engine.getRun(runId);
        const stop = isFinishedRun(view.status) || (options.untilSuspended && view.status === "suspended");
        if (stop) {
          unsubscribe();
          resolve(runDetail(view));
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
        options.onEvent?.(eventMessage(event));
        if (event.type === "run") done();
      });
      done();
    });
  }

  async cancelRun(runId: string) {
    return this.runtime.engine.cancelRun(runId);
  }

  async resumeRun(runId: string) {
    try {
      return this.runtime.engine.resumeRun(runId);
    } catch (error) {
      // A run this command restored may have ended before the person's resume reached it.
      if (this.interrupted.some((run) => run.id === runId)) return { resumedJobs: 0 };
      throw error;
    }
  }

  async listJobs(filter?: { runId?: string }) {
    return this.runtime.monitor.list(filter).map(jobView);
  }

  async getJob(jobId: string) {
    return jobView(this.runtime.monitor.get(jobId));
  }

  async checkJob(jobId: string) {
    return jobView(await this.runtime.monitor.checkNow(jobId));
  }

  async pauseJob(jobId: string, paused: boolean) {
    return jobView(paused ? this.runtime.monitor.pause(jobId) : this.runtime.monitor.resume(jobId));
  }

  async cancelJob(jobId: string) {
    return cancelJobAnswer(await this.runtime.monitor.cancelJob(jobId));
  }

  async jobLog(jobId: string, stream: "stdout" | "stderr", offset: number) {
    return this.runtime.monitor.log(jobId, stream, offset);
  }

  /**
   * Stops following jobs, lets every run in this process reach a point where only jobs remain (or
   * its end), then releases the data folder. A restored run of another workflow is thus left as a
   * restart would find it, never with a module's result half-written.
   */
  async close() {
    this.runtime.monitor.stop();
    await untilNoRunComputes(this.runtime.engine);
    this.runtime.close();
  }
}

/** Resolves once no run of `engine` is `running`: each is final, or waits on its jobs alone. */
function untilNoRunComputes(engine: Engine): Promise<void> {
  return new Promise((resolve) => {
    const computing = () => engine.activeRunIds().some((id) => engine.getRun(id).status === "running");
    const unsubscribe = engine.events.on((event) => {
      if (event.type !== "run" || computing()) return;
      unsubscribe();
      resolve();
    });
    if (computing()) return;
    unsubscribe();
    resolve();
  });
}
