import type { ExecutionEnvironment } from "./execution-environment.js";
import type { ModuleSlots, Resolution } from "./module-slots.js";
import type { ModuleStatus, RunStatus } from "./records.js";
import type { ValidGraph } from "./validate-workflow.js";

let nowMs = Number.NaN;
let nowText = "";
/** The time as ISO text, made once per millisecond: a run resolving thousands of modules a ms asks often. */
function now(): string {
  const ms = Date.now();
  if (ms !== nowMs) {
    nowMs = ms;
    nowText = new Date(ms).toISOString();
  }
  return nowText;
}

/**
 * What a run writes and tells: module states and results into the Store and out as events, the
 * run's status, and its log. The scheduler decides; this only records.
 */
export class RunRecorder {
  private runStatus: RunStatus = "running";
  private runMessage: string | undefined;

  constructor(
    private readonly env: ExecutionEnvironment,
    private readonly runId: string,
    private readonly graph: ValidGraph,
    private readonly signatures: readonly string[],
    private readonly slots: ModuleSlots,
  ) {}

  get status(): RunStatus {
    return this.runStatus;
  }

  get isFinal(): boolean {
    return this.runStatus === "completed" || this.runStatus === "failed" || this.runStatus === "cancelled";
  }

  /** Modules resolved: results cached by signature, states written, told. */
  resolved(resolutions: readonly Resolution[]): void {
    const at = now();
    for (const { index, status, outputs, error } of resolutions) {
      const node = this.graph.nodes[index];
      if (!node) continue;
      if (status === "done" && outputs)
        this.env.store.cacheOutputs(this.signatures[index] as string, node.definition.type, outputs);
      this.env.store.updateModule(this.runId, node.id, {
        status,
        finishedAt: at,
        ...(error ? { error } : {}),
      });
      this.module(index);
    }
  }

  /** A module's state changed without resolving (running, suspended): written when it lasts. */
  moduleChanged(index: number, persist: boolean): void {
    const status = this.slots.status[index] as ModuleStatus;
    if (persist) this.env.store.updateModule(this.runId, this.graph.nodes[index]?.id as string, { status });
    this.module(index);
  }

  /** Tells a module's state, outputs, error and progress, when anyone listens. */
  module(index: number): void {
    if (!this.env.events.hasListeners) return;
    const node = this.graph.nodes[index];
    if (!node) return;
    const outputs = this.slots.outputs[index];
    const error = this.slots.errors[index];
    const progress = this.slots.progress[index];
    const status = this.slots.status[index] as ModuleStatus;
    const clock = status === "suspended" ? this.slots.progressClock[index] : undefined;
    this.env.events.emit({
      type: "module",
      runId: this.runId,
      moduleId: node.id,
      status,
      ...(outputs ? { outputs } : {}),
      ...(error ? { error } : {}),
      ...(progress !== undefined ? { progress } : {}),
      ...(clock ? { progressClock: clock } : {}),
    });
  }

  runStatusChanged(status: RunStatus, message?: string): void {
    if (status === this.runStatus && message === this.runMessage) return;
    this.runStatus = status;
    this.runMessage = message;
    const final = this.isFinal;
    const at = now();
    this.env.store.updateRun(this.runId, {
      status,
      updatedAt: at,
      ...(final ? { finishedAt: at } : {}),
      ...(message ? { message } : {}),
    });
    if (final) this.env.store.flush();
    this.env.events.emit({ type: "run", runId: this.runId, status, ...(message ? { message } : {}) });
  }

  log(moduleId: string | undefined, message: string): void {
    const entry = {
      runId: this.runId,
      ...(moduleId ? { moduleId } : {}),
      at: now(),
      level: "info" as const,
      message,
    };
    this.env.store.appendLog(entry);
    this.env.events.emit({ type: "log", entry });
  }
}
