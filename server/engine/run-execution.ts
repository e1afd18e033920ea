import type { ComputeContext } from "../../modules/sdk/define-module.js";
import { ModuleSuspended } from "../../modules/sdk/module-suspended.js";
import { isFinishedJob, isFinishedModule } from "../schema/states.js";
import type { ExecutionEnvironment } from "./execution-environment.js";
import type { JobBoard, JobFollower } from "./job-board.js";
import { JobBridge } from "./job-bridge.js";
import { checkOutputs, gatherInputs, toFailure } from "./module-io.js";
import { ModuleSlots, type ModuleView, type Resolution } from "./module-slots.js";
import type { JobRecord, ModuleRunRecord, ModuleStatus, RunOptions, RunStatus } from "./records.js";
import { RunRecorder } from "./run-recorder.js";
import type { GraphNode, ValidGraph } from "./validate-workflow.js";

export type { ModuleView } from "./module-slots.js";

/**
 * One run of a validated graph: runs modules as their inputs become ready (bounded), serves cached
 * results, and follows jobs. The same code continues a run restored after a restart: resolved
 * modules keep their state and outputs, jobs are found again by their work (never started twice),
 * the rest runs.
 *
 * A job may be followed by several runs (a job is its work): the run registers on the engine's
 * JobBoard and hears through `jobSettled` like every other follower.
 */
export class RunExecution implements JobFollower {
  readonly finished: Promise<RunStatus>;
  private resolveFinished!: (status: RunStatus) => void;
  private readonly slots: ModuleSlots;
  private readonly recorder: RunRecorder;
  private readonly bridge: JobBridge;
  private busy = 0;
  private cancelRequested = false;
  private readonly abort = new AbortController();
  /** The modules of this run waiting for each job (two modules alike in every way share one). */
  private readonly nodesOfJob = new Map<string, Set<number>>();
  /** Completed jobs whose results wait for a person to resume the run (auto-resume off). */
  private readonly awaitingResume = new Map<number, JobRecord>();
  /** Modules served from the cache whose results were not read yet (see adoptRecordedStates). */
  private readonly unloaded = new Set<number>();
  /** Modules that waited for a job before a restart: they follow that job whatever its state. */
  private readonly restoredSuspended = new Set<number>();
  /** The run's folder, for every module's context (made once, not per module). */
  private readonly runDir: string;

  constructor(
    private readonly env: ExecutionEnvironment,
    private readonly board: JobBoard,
    readonly runId: string,
    readonly graph: ValidGraph,
    readonly signatures: readonly string[],
    readonly options: RunOptions,
  ) {
    this.runDir = env.runDir(runId);
    this.slots = new ModuleSlots(graph);
    this.recorder = new RunRecorder(env, runId, graph, signatures, this.slots);
    this.bridge = new JobBridge(env, board, {
      runId,
      signatureOf: (index) => this.signatures[index] as string,
      context: (node, inputs) => this.context(node, inputs),
    });
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  get currentStatus(): RunStatus {
    return this.recorder.status;
  }

  get waitingForResume(): number {
    return this.awaitingResume.size;
  }

  /**
   * Starts a new run, or continues a restored one, from the module states the Store holds (a new run
   * is created with its cache hits already `cached`). `cached` (the signatures that have results)
   * saves a second look-up when the caller has just made it.
   */
  begin(recorded?: Map<string, ModuleRunRecord>, cached?: ReadonlySet<string>): void {
    if (recorded) this.adoptRecordedStates(recorded, cached);
    const blocked = this.slots.prepare();
    const pending = this.graph.nodes
      .filter((node) => !this.slots.isResolved(node.index))
      .map((node) => this.signatures[node.index] as string);
    this.cacheHits = this.env.store.cachedOutputs(cached ? pending.filter((s) => cached.has(s)) : pending);
    for (const index of blocked) this.resolve({ index, status: "skipped" });
    this.pump();
  }

  private cacheHits = new Map<string, Record<string, unknown>>();

  /**
   * Cancels the run: nothing new starts; the jobs it waits for are cancelled through their handles,
   * except a job another run also follows: this run lets go of it and it goes on for the other.
   */
  async cancel(): Promise<void> {
    if (this.recorder.isFinal) return;
    this.cancelRequested = true;
    this.abort.abort(new Error("the run was cancelled"));
    for (const node of this.graph.nodes)
      if (this.slots.status[node.index] === "pending")
        this.resolve({ index: node.index, status: "cancelled" });
    for (const index of this.awaitingResume.keys()) this.resolve({ index, status: "cancelled" });
    this.awaitingResume.clear();
    const cancels: Promise<void>[] = [];
    for (const [jobId, indices] of this.nodesOfJob) {
      const open = [...indices].filter((index) => !this.slots.isResolved(index));
      if (open.length === 0) continue;
      if (this.board.hasOtherFollowers(jobId, this)) {
        this.board.unfollow(jobId, this);
        const error = { code: "job_left", message: "the run was cancelled; the job goes on for another run" };
        for (const index of open) this.resolve({ index, status: "cancelled", error });
      } else cancels.push(this.env.jobs.cancel(jobId));
    }
    this.updateRunStatus();
    await Promise.allSettled(cancels);
  }

  /** Continues after completed jobs that waited for a person (auto-resume off). */
  resume(): number {
    const waiting = [...this.awaitingResume];
    this.awaitingResume.clear();
    for (const [index, job] of waiting) void this.deliver(index, job);
    this.updateRunStatus();
    return waiting.length;
  }

  /** One of the jobs this run follows reached a final state (the monitor saw it, or a restart found it). */
  jobSettled(job: JobRecord): void {
    for (const index of this.nodesOfJob.get(job.id) ?? []) {
      if (this.slots.status[index] !== "suspended") continue;
      if (job.state === "failed")
        this.resolve({
          index,
          status: "failed",
          error: { code: "job_failed", message: job.message ?? "the job failed" },
        });
      else if (job.state === "cancelled")
        this.resolve({
          index,
          status: "cancelled",
          error: { code: "job_cancelled", message: job.message ?? "the job was cancelled" },
        });
      else if (job.state === "completed") {
        if (this.options.autoResume || this.cancelRequested) void this.deliver(index, job);
        else this.awaitingResume.set(index, job);
      }
    }
    this.pump();
  }

  /** Progress of a job, shown on its modules. */
  jobProgressed(job: JobRecord): void {
    for (const index of this.nodesOfJob.get(job.id) ?? []) {
      if (this.slots.status[index] !== "suspended") continue;
      this.slots.progress[index] = job.progress;
      this.slots.progressClock[index] = job.progressClock;
      this.recorder.module(index);
    }
  }

  /** Lets go of every job (the run ended). */
  detachFromJobs(): void {
    for (const jobId of this.nodesOfJob.keys()) this.board.unfollow(jobId, this);
  }

  /** The run as the API and the CLI show it. */
  view(): Record<string, ModuleView> {
    this.loadOutputs(this.unloaded);
    return this.slots.view();
  }

  /**
   * Takes the finished modules' states; the results of those served from the cache are read only
   * when something needs them (a module downstream, a listener, a view): an unchanged re-run of
   * 10,000 modules reads none of them.
   */
  private adoptRecordedStates(restored: Map<string, ModuleRunRecord>, cached?: ReadonlySet<string>): void {
    const adopted: number[] = [];
    for (const node of this.graph.nodes) {
      const record = restored.get(node.id);
      if (record?.status === "suspended") this.restoredSuspended.add(node.index);
      if (!record || !isFinishedModule(record.status)) continue;
      if (record.status === "done" || record.status === "cached") {
        const known = record.outputs !== undefined || cached?.has(record.signature);
        // A result that did not reach the cache (it never should) is computed again.
        if (!known) continue;
        if (record.outputs === undefined) this.unloaded.add(node.index);
      }
      this.slots.adopt(node.index, record.status, record.outputs, record.error);
      adopted.push(node.index);
    }
    this.loadOutputs(this.env.events.hasListeners ? this.unloaded : this.feedingUnresolved());
    for (const index of adopted) this.recorder.module(index);
  }

  /** Resolved modules whose results are not read yet, among what feeds modules still to run. */
  private feedingUnresolved(): Set<number> {
    const feeding = new Set<number>();
    if (this.unloaded.size === 0) return feeding;
    for (const node of this.graph.nodes) {
      if (this.slots.isResolved(node.index)) continue;
      for (const source of node.inputs.values()) if (this.unloaded.has(source.node)) feeding.add(source.node);
    }
    return feeding;
  }

  /** Reads the results of those modules from the cache, in one look-up. */
  private loadOutputs(indices: ReadonlySet<number>): void {
    if (indices.size === 0) return;
    const wanted = [...indices];
    const found = this.env.store.cachedOutputs(wanted.map((i) => this.signatures[i] as string));
    for (const index of wanted) {
      this.slots.outputs[index] = found.get(this.signatures[index] as string);
      this.unloaded.delete(index);
    }
  }

  /** Starts what is ready, up to the concurrency bound; serves cache hits on the spot. */
  private pump(): void {
    for (
      let index = this.slots.peekReady();
      index !== undefined && !this.cancelRequested;
      index = this.slots.peekReady()
    ) {
      const hit = this.cacheHits.get(this.signatures[index] as string);
      if (hit) {
        this.slots.takeReady();
        this.resolve({ index, status: "cached", outputs: hit });
        continue;
      }
      if (this.busy >= this.env.maxConcurrency) break;
      this.slots.takeReady();
      this.busy++;
      this.slots.status[index] = "running";
      this.recorder.module(index);
      void this.execute(this.graph.nodes[index] as GraphNode).finally(this.executed);
    }
    this.updateRunStatus();
  }

  /** After each execution: one function for all, not a closure per module (10,000 of them add up). */
  private readonly executed = (): void => {
    this.busy--;
    this.pump();
  };

  private async execute(node: GraphNode): Promise<void> {
    const { definition } = node;
    try {
      if (definition.job || definition.handles) {
        const restoring = this.restoredSuspended.has(node.index);
        const inputs = () => gatherInputs(node, this.slots.outputs);
        const job = await this.bridge.jobFor(node, inputs, restoring, (jobId) =>
          this.claim(jobId, node.index),
        );
        if (job) return this.follow(node.index, job);
      }
      const result = await definition.compute?.(this.context(node, gatherInputs(node, this.slots.outputs)));
      this.resolve({ index: node.index, status: "done", outputs: checkOutputs(definition, result, node.id) });
    } catch (error) {
      if (error instanceof ModuleSuspended) {
        const job = this.bridge.recordSuspension(node, error);
        this.claim(job.id, node.index);
        return this.follow(node.index, job);
      }
      this.resolve(
        this.cancelRequested
          ? { index: node.index, status: "cancelled" }
          : { index: node.index, status: "failed", error: toFailure(error) },
      );
    }
  }

  /** This module waits for that job from now on: a cancel of the run reaches it even while it starts. */
  private claim(jobId: string, index: number): void {
    let indices = this.nodesOfJob.get(jobId);
    if (!indices) {
      indices = new Set();
      this.nodesOfJob.set(jobId, indices);
    }
    indices.add(index);
    this.board.follow(jobId, this);
  }

  /** The module is suspended on its job (or settles at once when the job already ended). */
  private follow(index: number, job: JobRecord): void {
    // Cancelled while its job started, and the job goes on for another run: nothing to follow.
    if (this.slots.isResolved(index)) return;
    this.slots.status[index] = "suspended";
    this.slots.progress[index] = job.progress;
    this.slots.progressClock[index] = job.progressClock;
    this.recorder.moduleChanged(index, true);
    this.env.events.emit({ type: "job", job });
    if (isFinishedJob(job.state)) this.jobSettled(job);
    else if (job.params !== null) this.env.jobs.track(job);
  }

  /** The job completed: its results, made once for every run that follows it. */
  private async deliver(index: number, job: JobRecord): Promise<void> {
    if (this.slots.status[index] !== "suspended") return;
    const node = this.graph.nodes[index] as GraphNode;
    this.busy++;
    this.slots.status[index] = "running";
    this.recorder.module(index);
    try {
      const outputs = await this.bridge.results(node, job, () => gatherInputs(node, this.slots.outputs));
      this.resolve({ index, status: "done", outputs });
    } catch (error) {
      const failure =
        error instanceof ModuleSuspended
          ? { code: "suspended_twice", message: "the module suspended again after its job finished" }
          : toFailure(error);
      this.resolve({ index, status: "failed", error: failure });
    } finally {
      this.busy--;
      this.pump();
    }
  }

  /** Resolves a module (and what that blocks downstream), then records it. */
  private resolve(resolution: Resolution): void {
    const downstream: ModuleStatus = this.cancelRequested ? "cancelled" : "skipped";
    this.recorder.resolved(this.slots.resolve(resolution, downstream));
  }

  private updateRunStatus(): void {
    if (this.recorder.isFinal) return;
    if (this.slots.unresolved === 0) {
      const failed = this.slots.status.some((s) => s === "failed");
      const cancelled = this.cancelRequested || this.slots.status.some((s) => s === "cancelled");
      const final: RunStatus = failed ? "failed" : cancelled ? "cancelled" : "completed";
      const message = failed ? this.slots.failureSummary() : cancelled ? "the run was cancelled" : undefined;
      this.recorder.runStatusChanged(final, message);
      this.resolveFinished(final);
      return;
    }
    if (this.busy > 0 || this.slots.hasReady) {
      this.recorder.runStatusChanged("running");
      return;
    }
    const message = this.awaitingResume.size
      ? `${this.awaitingResume.size} job(s) finished; resume the run to continue`
      : undefined;
    this.recorder.runStatusChanged("suspended", message);
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
      // Bound, not an arrow: no closure to name per module (a cold run makes thousands of contexts).
      log: this.recorder.log.bind(this.recorder, node.id),
      signal: this.abort.signal,
      workspace: this.env.workspace,
      runDir: this.runDir,
      services: this.env.services,
    };
  }
}
