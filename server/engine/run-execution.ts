import { mkdirSync } from "node:fs";
import type { ComputeContext } from "../../modules/sdk/define-module.js";
import { ModuleSuspended } from "../../modules/sdk/module-suspended.js";
import type { ExecutionEnvironment } from "./execution-environment.js";
import { checkOutputs, gatherInputs, toFailure } from "./module-io.js";
import {
  FINISHED_JOB_STATES,
  type JobRecord,
  type ModuleFailure,
  type ModuleRunRecord,
  type ModuleStatus,
  type RunOptions,
  type RunStatus,
} from "./records.js";
import { jobIdFor } from "./signature.js";
import type { GraphNode, ValidGraph } from "./validate-workflow.js";

const RESOLVED: ReadonlySet<ModuleStatus> = new Set(["done", "cached", "failed", "skipped", "cancelled"]);
const BLOCKING: ReadonlySet<ModuleStatus> = new Set(["failed", "skipped", "cancelled"]);

const now = () => new Date().toISOString();

/**
 * One run of a validated graph: schedules modules as their inputs become ready (bounded), serves
 * cached results, starts and attaches jobs, and keeps the Store and the listeners up to date.
 *
 * A module is *resolved* once it is done, cached, failed, skipped or cancelled. A failure resolves
 * everything downstream of it as skipped; other branches go on. The run is `suspended` when only
 * jobs remain. The same code continues a run restored after a restart: resolved modules keep their
 * state and outputs, jobs are re-attached by their id (never started twice), the rest runs.
 */
export class RunExecution {
  readonly finished: Promise<RunStatus>;
  private resolveFinished!: (status: RunStatus) => void;
  private runStatus: RunStatus = "running";
  private runMessage: string | undefined;

  private readonly status: ModuleStatus[];
  private readonly outputs: (Record<string, unknown> | undefined)[];
  private readonly errors: (ModuleFailure | undefined)[];
  private readonly progress: (number | undefined)[];
  private readonly waitingUpstream: number[];
  private readonly ready: number[] = [];
  private readyHead = 0;
  private cache = new Map<string, Record<string, unknown>>();
  private unresolved: number;
  private busy = 0;
  private cancelRequested = false;
  private readonly abort = new AbortController();
  /** Node of each job this run is waiting on. */
  private readonly nodeOfJob = new Map<string, number>();
  /** Completed jobs whose results wait for a person to resume the run (auto-resume off). */
  private readonly awaitingResume = new Map<number, JobRecord>();

  constructor(
    private readonly env: ExecutionEnvironment,
    readonly runId: string,
    readonly graph: ValidGraph,
    readonly signatures: string[],
    readonly options: RunOptions,
  ) {
    const n = graph.nodes.length;
    this.status = new Array<ModuleStatus>(n).fill("pending");
    this.outputs = new Array(n);
    this.errors = new Array(n);
    this.progress = new Array(n);
    this.waitingUpstream = new Array<number>(n).fill(0);
    this.unresolved = n;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  get currentStatus(): RunStatus {
    return this.runStatus;
  }

  /**
   * Starts a new run, or continues a restored one, from the module states the Store holds (a new run
   * is created with its cache hits already `cached`). `cache` saves a second look-up when the caller
   * has just made it.
   */
  begin(recorded?: Map<string, ModuleRunRecord>, cache?: Map<string, Record<string, unknown>>): void {
    const { nodes } = this.graph;
    if (recorded) this.adoptRecordedStates(recorded, cache);
    for (const node of nodes) {
      if (RESOLVED.has(this.status[node.index] as ModuleStatus)) continue;
      for (const d of node.downstream) this.waitingUpstream[d] = (this.waitingUpstream[d] ?? 0) + 1;
    }
    const pending = nodes.filter((node) => !RESOLVED.has(this.status[node.index] as ModuleStatus));
    this.cache =
      cache ?? this.env.store.cachedOutputs(pending.map((node) => this.signatures[node.index] as string));
    for (const index of this.graph.order) {
      if (this.status[index] !== "pending" || this.waitingUpstream[index] !== 0) continue;
      const sources = [...(nodes[index]?.inputs.values() ?? [])];
      const blocked = sources.some((s) => BLOCKING.has(this.status[s.node] as ModuleStatus));
      if (blocked) this.resolve(index, "skipped");
      else this.ready.push(index);
    }
    this.pump();
  }

  /** Cancels the run: nothing new starts, running jobs are cancelled through their handles. */
  async cancel(): Promise<void> {
    if (this.isFinal()) return;
    this.cancelRequested = true;
    this.abort.abort(new Error("the run was cancelled"));
    for (const node of this.graph.nodes) {
      if (this.status[node.index] === "pending") this.resolve(node.index, "cancelled");
    }
    const jobs: Promise<void>[] = [];
    for (const [jobId, index] of this.nodeOfJob) {
      if (this.status[index] !== "suspended") continue;
      if (this.awaitingResume.has(index)) this.resolve(index, "cancelled");
      else jobs.push(this.env.jobs.cancel(jobId));
    }
    this.updateRunStatus();
    await Promise.allSettled(jobs);
  }

  /** Continues after completed jobs that waited for a person (auto-resume off). */
  resume(): number {
    const waiting = [...this.awaitingResume];
    this.awaitingResume.clear();
    for (const [index, job] of waiting) void this.deliverJobResults(index, job);
    this.updateRunStatus();
    return waiting.length;
  }

  /** Called when one of this run's jobs reached a final state (the monitor saw it, or a restart found it). */
  jobSettled(job: JobRecord): void {
    const index = this.nodeOfJob.get(job.id);
    if (index === undefined || this.status[index] !== "suspended") return;
    if (job.state === "failed") {
      this.resolve(index, "failed", undefined, {
        code: "job_failed",
        message: job.message ?? "the job failed",
      });
    } else if (job.state === "cancelled") {
      this.resolve(index, "cancelled", undefined, {
        code: "job_cancelled",
        message: job.message ?? "the job was cancelled",
      });
    } else if (job.state === "completed") {
      if (this.options.autoResume || this.cancelRequested) void this.deliverJobResults(index, job);
      else this.awaitingResume.set(index, job);
    }
    this.pump();
  }

  /** Progress of a job, shown on its module. */
  jobProgressed(job: JobRecord): void {
    const index = this.nodeOfJob.get(job.id);
    if (index === undefined || this.status[index] !== "suspended") return;
    this.progress[index] = job.progress;
    this.emitModule(index);
  }

  /** The run as the API and the CLI show it. */
  view(): Record<
    string,
    { status: ModuleStatus; outputs?: Record<string, unknown>; error?: ModuleFailure; progress?: number }
  > {
    const modules: ReturnType<RunExecution["view"]> = {};
    for (const node of this.graph.nodes) {
      const i = node.index;
      modules[node.id] = {
        status: this.status[i] as ModuleStatus,
        ...(this.outputs[i] ? { outputs: this.outputs[i] } : {}),
        ...(this.errors[i] ? { error: this.errors[i] } : {}),
        ...(this.progress[i] !== undefined ? { progress: this.progress[i] } : {}),
      };
    }
    return modules;
  }

  get waitingForResume(): number {
    return this.awaitingResume.size;
  }

  private adoptRecordedStates(
    restored: Map<string, ModuleRunRecord>,
    cache?: Map<string, Record<string, unknown>>,
  ): void {
    const done = [...restored.values()].filter((m) => m.status === "done" || m.status === "cached");
    const outputs = cache ?? this.env.store.cachedOutputs(done.map((m) => m.signature));
    for (const node of this.graph.nodes) {
      const record = restored.get(node.id);
      if (!record || !RESOLVED.has(record.status)) continue;
      const cached = outputs.get(record.signature);
      // A result that did not reach the cache (it never should) is computed again.
      if ((record.status === "done" || record.status === "cached") && !cached) continue;
      this.status[node.index] = record.status;
      this.outputs[node.index] = cached;
      this.errors[node.index] = record.error;
      this.unresolved--;
      this.emitModule(node.index);
    }
  }

  /** Starts what is ready, up to the concurrency bound; serves cache hits on the spot. */
  private pump(): void {
    while (this.readyHead < this.ready.length && !this.cancelRequested) {
      const index = this.ready[this.readyHead] as number;
      if (this.status[index] !== "pending") {
        this.readyHead++;
        continue;
      }
      const hit = this.cache.get(this.signatures[index] as string);
      if (hit) {
        this.readyHead++;
        this.resolve(index, "cached", hit);
        continue;
      }
      if (this.busy >= this.env.maxConcurrency) break;
      this.readyHead++;
      this.busy++;
      this.status[index] = "running";
      this.emitModule(index);
      void this.execute(this.graph.nodes[index] as GraphNode).finally(() => {
        this.busy--;
        this.pump();
      });
    }
    if (this.readyHead === this.ready.length) {
      this.ready.length = 0;
      this.readyHead = 0;
    }
    this.updateRunStatus();
  }

  private async execute(node: GraphNode): Promise<void> {
    const { definition } = node;
    try {
      if (definition.job || definition.handles) {
        const existing = this.env.store.getJob(this.jobId(node.index));
        if (existing) return await this.attachJob(node, existing);
      }
      const inputs = gatherInputs(node, (i) => this.outputs[i]);
      if (definition.job) return await this.startJob(node, inputs);
      const result = await definition.compute?.(this.context(node, inputs));
      this.resolve(node.index, "done", checkOutputs(definition, result));
    } catch (error) {
      if (error instanceof ModuleSuspended) return this.suspendLowLevel(node, error);
      if (this.cancelRequested) this.resolve(node.index, "cancelled");
      else this.resolve(node.index, "failed", undefined, toFailure(error));
    }
  }

  /** Two-phase start: the job is recorded (and flushed) before `start`, so a crash can never start it twice. */
  private async startJob(node: GraphNode, inputs: Record<string, unknown>): Promise<void> {
    const job: JobRecord = {
      id: this.jobId(node.index),
      runId: this.runId,
      moduleId: node.id,
      moduleType: node.definition.type,
      signature: this.signatures[node.index] as string,
      kind: node.definition.type,
      params: null,
      state: "starting",
      paused: false,
      intervalMs: null,
      submittedAt: now(),
      failedChecks: 0,
    };
    this.env.store.createJob(job);
    this.env.store.flush();
    this.env.events.emit({ type: "job", job });
    await this.callStart(node, job, inputs);
  }

  private async callStart(node: GraphNode, job: JobRecord, inputs: Record<string, unknown>): Promise<void> {
    const jobDir = this.env.jobDir(job);
    mkdirSync(jobDir, { recursive: true });
    let params: unknown;
    try {
      params = await node.definition.job?.start({ ...this.context(node, inputs), jobId: job.id, jobDir });
    } catch (error) {
      const failed = this.updateJob(job, {
        state: "failed",
        message: toFailure(error).message,
        finishedAt: now(),
      });
      this.env.store.flush();
      throw Object.assign(error instanceof Error ? error : new Error(String(error)), { jobId: failed.id });
    }
    const running = this.updateJob(job, { params: params ?? {}, state: "running", startedAt: now() });
    this.env.store.flush();
    this.suspend(node.index, running);
  }

  /** A job of this run and signature exists already (a restart, or a second pass): never start it again. */
  private async attachJob(node: GraphNode, job: JobRecord): Promise<void> {
    if (job.state === "starting" || job.params === null) {
      // The process died between recording the job and recording what `start` returned: start is
      // called again with the same job id, its idempotency key, to find the earlier submission.
      const inputs = gatherInputs(node, (i) => this.outputs[i]);
      return this.callStart(node, job, inputs);
    }
    this.suspend(node.index, job);
    if (FINISHED_JOB_STATES.includes(job.state)) this.jobSettled(job);
  }

  private suspendLowLevel(node: GraphNode, suspension: ModuleSuspended): void {
    const job: JobRecord = {
      id: this.jobId(node.index),
      runId: this.runId,
      moduleId: node.id,
      moduleType: node.definition.type,
      signature: this.signatures[node.index] as string,
      kind: suspension.handle.kind,
      params: suspension.handle.params ?? {},
      state: "running",
      paused: false,
      intervalMs: null,
      submittedAt: now(),
      startedAt: now(),
      message: suspension.message,
      failedChecks: 0,
    };
    this.env.store.createJob(job);
    this.env.store.flush();
    this.suspend(node.index, job);
  }

  private suspend(index: number, job: JobRecord): void {
    this.nodeOfJob.set(job.id, index);
    this.status[index] = "suspended";
    this.progress[index] = job.progress;
    this.env.store.updateModule(this.runId, this.graph.nodes[index]?.id as string, { status: "suspended" });
    this.emitModule(index);
    this.env.events.emit({ type: "job", job });
    if (!FINISHED_JOB_STATES.includes(job.state)) this.env.jobs.track(job);
  }

  /** The job finished: `finish` and `setResults` (or `compute` again, for a low-level suspension). */
  private async deliverJobResults(index: number, job: JobRecord): Promise<void> {
    const node = this.graph.nodes[index] as GraphNode;
    const { definition } = node;
    const jobEnv = { jobId: job.id, jobDir: this.env.jobDir(job), services: this.env.services };
    this.busy++;
    this.status[index] = "running";
    this.emitModule(index);
    try {
      let result: unknown;
      if (definition.job) {
        await definition.job.finish?.(job.params, jobEnv);
        result = await definition.job.setResults(job.params, jobEnv);
      } else {
        const inputs = gatherInputs(node, (i) => this.outputs[i]);
        result = await definition.compute?.({
          ...this.context(node, inputs),
          resumed: { kind: job.kind, params: job.params },
        });
      }
      this.resolve(index, "done", checkOutputs(definition, result));
    } catch (error) {
      const failure =
        error instanceof ModuleSuspended
          ? { code: "suspended_twice", message: "the module suspended again after its job finished" }
          : toFailure(error);
      this.resolve(index, "failed", undefined, failure);
    } finally {
      this.busy--;
      this.pump();
    }
  }

  /** Marks a module resolved, persists it, and releases (or skips) what is downstream of it. */
  private resolve(
    first: number,
    firstStatus: ModuleStatus,
    firstOutputs?: Record<string, unknown>,
    firstError?: ModuleFailure,
  ): void {
    const work: [number, ModuleStatus, Record<string, unknown>?, ModuleFailure?][] = [
      [first, firstStatus, firstOutputs, firstError],
    ];
    const at = now();
    for (let item = work.pop(); item; item = work.pop()) {
      const [index, status, outputs, error] = item;
      if (RESOLVED.has(this.status[index] as ModuleStatus)) continue;
      const node = this.graph.nodes[index] as GraphNode;
      this.status[index] = status;
      this.outputs[index] = outputs;
      this.errors[index] = error;
      this.unresolved--;
      if (status === "done" && outputs)
        this.env.store.cacheOutputs(this.signatures[index] as string, node.definition.type, outputs);
      this.env.store.updateModule(this.runId, node.id, {
        status,
        finishedAt: at,
        ...(error ? { error } : {}),
      });
      this.emitModule(index);
      const blocks = BLOCKING.has(status);
      const downstreamStatus: ModuleStatus = this.cancelRequested ? "cancelled" : "skipped";
      for (const d of node.downstream) {
        this.waitingUpstream[d] = (this.waitingUpstream[d] ?? 0) - 1;
        if (this.status[d] !== "pending") continue;
        if (blocks) work.push([d, downstreamStatus]);
        else if (this.waitingUpstream[d] === 0) this.ready.push(d);
      }
    }
  }

  private updateRunStatus(): void {
    if (this.isFinal()) return;
    if (this.unresolved === 0) {
      const failed = this.status.some((s) => s === "failed");
      const cancelled = this.cancelRequested || this.status.some((s) => s === "cancelled");
      const final: RunStatus = failed ? "failed" : cancelled ? "cancelled" : "completed";
      const message = failed ? this.failureSummary() : cancelled ? "the run was cancelled" : undefined;
      this.setRunStatus(final, message);
      this.env.store.flush();
      this.resolveFinished(final);
      return;
    }
    const idle = this.busy === 0 && this.readyHead === this.ready.length;
    if (!idle) {
      this.setRunStatus("running");
      return;
    }
    const message = this.awaitingResume.size
      ? `${this.awaitingResume.size} job(s) finished; resume the run to continue`
      : undefined;
    this.setRunStatus("suspended", message);
  }

  private setRunStatus(status: RunStatus, message?: string): void {
    if (status === this.runStatus && message === this.runMessage) return;
    this.runStatus = status;
    this.runMessage = message;
    const final = status === "completed" || status === "failed" || status === "cancelled";
    const at = now();
    this.env.store.updateRun(this.runId, {
      status,
      updatedAt: at,
      ...(final ? { finishedAt: at } : {}),
      ...(message ? { message } : {}),
    });
    this.env.events.emit({ type: "run", runId: this.runId, status, ...(message ? { message } : {}) });
  }

  private isFinal(): boolean {
    return this.runStatus === "completed" || this.runStatus === "failed" || this.runStatus === "cancelled";
  }

  private failureSummary(): string {
    const failed = this.graph.nodes.filter((n) => this.status[n.index] === "failed");
    const first = failed[0];
    const detail = first ? `${first.id}: ${this.errors[first.index]?.message ?? "failed"}` : "";
    return failed.length === 1 ? `module ${detail}` : `${failed.length} modules failed; first ${detail}`;
  }

  private context(
    node: GraphNode,
    inputs: Record<string, unknown>,
  ): ComputeContext<Record<string, unknown>, Record<string, unknown>> {
    return {
      runId: this.runId,
      moduleId: node.id,
      inputs,
      params: node.params,
      log: (message) => this.log(node.id, message),
      signal: this.abort.signal,
      workspace: this.env.workspace,
      runDir: this.env.runDir(this.runId),
      services: this.env.services,
    };
  }

  private log(moduleId: string, message: string): void {
    const entry = { runId: this.runId, moduleId, at: now(), level: "info" as const, message };
    this.env.store.appendLog(entry);
    this.env.events.emit({ type: "log", entry });
  }

  private updateJob(job: JobRecord, patch: Partial<JobRecord>): JobRecord {
    const updated = { ...job, ...patch };
    this.env.store.updateJob(job.id, patch);
    this.env.events.emit({ type: "job", job: updated });
    return updated;
  }

  private jobId(index: number): string {
    return jobIdFor(this.runId, this.graph.nodes[index]?.id as string, this.signatures[index] as string);
  }

  private emitModule(index: number): void {
    if (!this.env.events.hasListeners) return;
    const node = this.graph.nodes[index] as GraphNode;
    const outputs = this.outputs[index];
    const error = this.errors[index];
    const progress = this.progress[index];
    this.env.events.emit({
      type: "module",
      runId: this.runId,
      moduleId: node.id,
      status: this.status[index] as ModuleStatus,
      ...(outputs ? { outputs } : {}),
      ...(error ? { error } : {}),
      ...(progress !== undefined ? { progress } : {}),
    });
  }
}
