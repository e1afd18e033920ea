import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import { Workspace } from "../../modules/sdk/workspace.js";
import type { Problem } from "../schema/problem.js";
import type { WorkflowDocument } from "../schema/workflow-document.js";
import { EngineError } from "./engine-error.js";
import { EngineEvents } from "./engine-events.js";
import type { ExecutionEnvironment, JobTracker } from "./execution-environment.js";
import { JobBoard } from "./job-board.js";
import { PlanMemo } from "./plan-memo.js";
import type { JobRecord, ModuleRunRecord, RunOptions, RunRecord, RunStatus } from "./records.js";
import { type ModuleView, RunExecution } from "./run-execution.js";
import { computeSignatures } from "./signature.js";
import type { RunSummary, Store } from "./store.js";
import { type ValidGraph, validateWorkflow } from "./validate-workflow.js";

export interface EngineOptions {
  store: Store;
  registry: ModuleRegistry;
  /** The data folder: runs/ and jobs/ hold the files of runs and jobs. */
  dataDir: string;
  /** The folder file modules are confined to; default `<dataDir>/workspace`. */
  workspaceDir?: string;
  /** Modules computing at once per run; default 8. */
  maxConcurrency?: number;
  /** What the server lends modules (instruments...); absent pieces are not configured. */
  services?: ModuleServices;
}

export type { ModuleView } from "./run-execution.js";

/** A run as the API, the CLI and the editor see it. */
export interface RunView {
  runId: string;
  status: RunStatus;
  message?: string;
  workflow: WorkflowDocument;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  modules: Record<string, ModuleView>;
}

const DEFAULT_RUN_OPTIONS: RunOptions = { autoResume: true };

/**
 * The engine: validates documents, runs them, and answers about runs. Transport-free: the HTTP
 * layer and the CLI call these functions; listeners hear `events`. Jobs are followed by a
 * JobTracker (the monitor in server/jobs), which reports back through `jobSettled`.
 */
export class Engine {
  readonly events = new EngineEvents();
  readonly workspace: Workspace;
  private readonly active = new Map<string, RunExecution>();
  /** Which runs follow which job, and the starts and deliveries in flight (a job is its work). */
  private readonly board = new JobBoard();
  private readonly env: ExecutionEnvironment;
  /** Validation and signatures once per document version (an unchanged re-run does neither again). */
  private readonly plans: PlanMemo;

  constructor(private readonly options: EngineOptions) {
    this.plans = new PlanMemo(options.registry);
    this.workspace = new Workspace(options.workspaceDir ?? join(options.dataDir, "workspace"));
    mkdirSync(this.workspace.root, { recursive: true });
    this.env = {
      store: options.store,
      registry: options.registry,
      events: this.events,
      workspace: this.workspace,
      jobs: {
        track: () => {
          throw new Error("no job monitor is attached to this engine");
        },
        cancel: async () => {},
      },
      maxConcurrency: options.maxConcurrency ?? 8,
      runDir: (runId) => join(options.dataDir, "runs", runId),
      jobDir: (job) => join(options.dataDir, "runs", job.runId, "jobs", job.id),
      folderKey: folderKeyOf(options.store),
      services: options.services,
    };
  }

  get store(): Store {
    return this.options.store;
  }

  get registry(): ModuleRegistry {
    return this.options.registry;
  }

  /** Where a job keeps its files (stdout, stderr, data). */
  jobDir(job: Pick<JobRecord, "id" | "runId">): string {
    return this.env.jobDir(job);
  }

  attachJobTracker(tracker: JobTracker): void {
    this.env.jobs = tracker;
  }

  /** Checks a document; throws an EngineError listing every problem. */
  validate(document: unknown): ValidGraph {
    return validateWorkflow(document, this.options.registry);
  }

  /**
   * Every problem a run of this document would be refused for, the lent services' rules included
   * (a setpoint an instrument refuses): what the editor shows while a person types. Nothing runs.
   */
  check(document: unknown): Problem[] {
    try {
      validateWorkflow(document, this.options.registry, { services: this.options.services ?? {} });
      return [];
    } catch (error) {
      if (error instanceof EngineError && error.code === "invalid_workflow") return error.problems;
      throw error;
    }
  }

  /** Validates and starts a run; nothing is stored for an invalid document. */
  startRun(document: unknown, options: Partial<RunOptions> = {}): { runId: string } {
    // Params are also checked against the lent services (a setpoint the instrument refuses) here,
    // before anything is queued; a restored run is not: it started under the rules of its day.
    const graph = this.plans.graph(document, this.options.services ?? {});
    const runId = newRunId();
    const rerun = options.rerun;
    if (rerun && rerun.modules !== "all") {
      const unknown = rerun.modules.filter((id) => !graph.nodes.some((node) => node.id === id));
      if (unknown.length > 0)
        throw new EngineError(
          "unknown_module",
          `rerun: no module ${unknown.map((id) => `"${id}"`).join(", ")} in the workflow`,
        );
    }
    const signatures = this.plans.signatures(
      graph,
      this.workspace,
      runId,
      rerun && { modules: rerun.modules },
    );
    const at = new Date().toISOString();
    const run: RunRecord = {
      id: runId,
      document: graph.document,
      status: "running",
      options: { ...DEFAULT_RUN_OPTIONS, ...options },
      createdAt: at,
      updatedAt: at,
    };
    const cached = this.options.store.cachedSignatures(signatures);
    const cachedNow = servedFromCache(graph, signatures, cached);
    const modules: ModuleRunRecord[] = graph.nodes.map((node) => ({
      runId,
      moduleId: node.id,
      moduleType: node.definition.type,
      status: cachedNow[node.index] ? "cached" : "pending",
      signature: signatures[node.index] as string,
      ...(cachedNow[node.index] ? { finishedAt: at } : {}),
    }));
    // Modules served from the cache are recorded `cached` at once: an unchanged re-run writes each row once.
    this.options.store.createRun(run, modules, this.plans.documentJson(graph));
    // A copy beside the run's files, for results archives and for people reading the folder.
    const runDir = this.env.runDir(runId);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, "workflow.json"), this.plans.documentFile(graph));
    const execution = new RunExecution(this.env, this.board, runId, graph, signatures, run.options);
    if (rerun) {
      const which = rerun.modules === "all" ? "every module" : rerun.modules.join(", ");
      this.logRun(runId, `started afresh (rerun) for ${which}: ${rerun.reason}`);
    }
    this.launch(execution, new Map(modules.map((m) => [m.moduleId, m])), cached);
    return { runId };
  }

  /** Resolves with the run's final status (completed, failed or cancelled). */
  async waitForRun(runId: string): Promise<RunStatus> {
    const execution = this.active.get(runId);
    if (execution) return execution.finished;
    return this.requireRun(runId).status;
  }

  getRun(runId: string): RunView {
    const run = this.requireRun(runId);
    const execution = this.active.get(runId);
    const modules: Record<string, ModuleView> = execution ? execution.view() : {};
    if (!execution) {
      for (const m of this.options.store.modules(runId)) {
        modules[m.moduleId] = {
          status: m.status,
          ...(m.outputs ? { outputs: m.outputs } : {}),
          ...(m.error ? { error: m.error } : {}),
        };
      }
    }
    return {
      runId,
      status: execution?.currentStatus ?? run.status,
      ...(run.message ? { message: run.message } : {}),
      workflow: run.document,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
      modules,
    };
  }

  listRuns(options?: { limit?: number; offset?: number }): RunSummary[] {
    return this.options.store.listRuns(options);
  }

  async cancelRun(runId: string): Promise<{ message?: string }> {
    const execution = this.active.get(runId);
    if (!execution) {
      const run = this.requireRun(runId);
      return { message: `run ${runId} is already ${run.status}` };
    }
    await execution.cancel();
    return {};
  }

  /** Continues a run whose finished jobs wait for a person (auto-resume off). */
  resumeRun(runId: string): { resumedJobs: number } {
    const execution = this.active.get(runId);
    if (!execution)
      throw new EngineError(
        "run_not_active",
        `run ${runId} is ${this.requireRun(runId).status}; nothing to resume`,
      );
    return { resumedJobs: execution.resume() };
  }

  /** The monitor saw a job reach a final state: every run that follows it hears. */
  jobSettled(job: JobRecord): void {
    for (const follower of this.board.followersOf(job.id)) follower.jobSettled(job);
  }

  /** The monitor saw a job's progress change. */
  jobProgressed(job: JobRecord): void {
    for (const follower of this.board.followersOf(job.id)) follower.jobProgressed(job);
  }

  /**
   * Continues every run the Store holds as unfinished (after a restart). A run whose document no
   * longer validates (a module type was removed) fails with the reason, and so do its open jobs.
   */
  restore(): { restored: number; failed: number } {
    let restored = 0;
    let failed = 0;
    for (const run of this.options.store.unfinishedRuns()) {
      if (this.active.has(run.id)) continue;
      let graph: ValidGraph;
      try {
        graph = this.validate(run.document);
      } catch (error) {
        this.failUnrestorableRun(run, error instanceof Error ? error.message : String(error));
        failed++;
        continue;
      }
      const records = new Map(this.options.store.modules(run.id).map((m) => [m.moduleId, m]));
      const computed = computeSignatures(graph, this.workspace, run.id);
      // Signatures are fixed when a run starts (a file read since may have changed): keep the stored ones.
      const signatures = graph.nodes.map(
        (node) => records.get(node.id)?.signature ?? (computed[node.index] as string),
      );
      const execution = new RunExecution(this.env, this.board, run.id, graph, signatures, run.options);
      this.launch(execution, records);
      restored++;
    }
    return { restored, failed };
  }

  /** Runs still in progress in this engine. */
  activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  private launch(
    execution: RunExecution,
    recorded?: Map<string, ModuleRunRecord>,
    cached?: ReadonlySet<string>,
  ): void {
    this.active.set(execution.runId, execution);
    void execution.finished.then(() => {
      this.active.delete(execution.runId);
      execution.detachFromJobs();
    });
    execution.begin(recorded, cached);
  }

  private failUnrestorableRun(run: RunRecord, reason: string): void {
    const at = new Date().toISOString();
    const message = `the run cannot continue after the restart: ${reason}`;
    for (const job of this.options.store.listJobs({ runId: run.id })) {
      if (job.state === "completed" || job.state === "failed" || job.state === "cancelled") continue;
      this.options.store.updateJob(job.id, { state: "failed", finishedAt: at, message });
    }
    this.options.store.updateRun(run.id, { status: "failed", updatedAt: at, finishedAt: at, message });
    this.options.store.flush();
    this.events.emit({ type: "run", runId: run.id, status: "failed", message });
  }

  private logRun(runId: string, message: string): void {
    const entry = { runId, at: new Date().toISOString(), level: "info" as const, message };
    this.options.store.appendLog(entry);
    this.events.emit({ type: "log", entry });
  }

  private requireRun(runId: string): RunRecord {
    const run = this.options.store.getRun(runId);
    if (!run) throw EngineError.notFound("run", runId);
    return run;
  }
}

/** The modules a run serves from the cache before anything runs: hits whose upstream are all such hits. */
function servedFromCache(
  graph: ValidGraph,
  signatures: readonly string[],
  cache: ReadonlySet<string>,
): boolean[] {
  const served = new Array<boolean>(graph.nodes.length).fill(false);
  for (const index of graph.order) {
    const node = graph.nodes[index];
    if (!node || !cache.has(signatures[index] as string)) continue;
    served[index] = [...node.inputs.values()].every((source) => served[source.node]);
  }
  return served;
}

/**
 * The data folder's own random key, made on first use and kept in the Store: job ids of this folder
 * never equal those of another labflow, even for the same work.
 */
function folderKeyOf(store: Store): string {
  const kept = store.getSetting(FOLDER_KEY_SETTING);
  if (typeof kept === "string" && kept.length > 0) return kept;
  const key = randomBytes(16).toString("hex");
  store.putSetting(FOLDER_KEY_SETTING, key);
  store.flush();
  return key;
}

const FOLDER_KEY_SETTING = "folder-key";

/** Run ids sort by creation time and carry enough randomness to never collide. */
function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}
