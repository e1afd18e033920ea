import type { ProgressClock } from "../../modules/sdk/job.js";
import { isFinishedModule } from "../schema/states.js";
import type { ModuleFailure, ModuleStatus } from "./records.js";
import type { ValidGraph } from "./validate-workflow.js";

/** A module resolved so: what is downstream of it cannot run. */
const BLOCKING: ReadonlySet<ModuleStatus> = new Set(["failed", "skipped", "cancelled"]);

/** A module of a run as the API, the CLI and the editor see it. */
export interface ModuleView {
  status: ModuleStatus;
  outputs?: Record<string, unknown>;
  error?: ModuleFailure;
  progress?: number;
  /** While suspended on a job whose progress moves with time: that job's clock. */
  progressClock?: ProgressClock;
}

/** One module reaching a resolved state, for the caller to persist and tell. */
export interface Resolution {
  index: number;
  status: ModuleStatus;
  outputs?: Record<string, unknown>;
  error?: ModuleFailure;
}

/**
 * The scheduler's state of one run, one slot per module: status, outputs, errors, progress, how many
 * upstream modules each still waits for, and the queue of modules ready to run. It knows nothing of
 * the Store or of events: `resolve` answers with what changed, and the run persists and tells it.
 *
 * A module is resolved at most once (done, cached, failed, skipped or cancelled); a second resolve of
 * it changes nothing. A blocking resolution resolves everything downstream of it too.
 */
export class ModuleSlots {
  readonly status: ModuleStatus[];
  readonly outputs: (Record<string, unknown> | undefined)[];
  readonly errors: (ModuleFailure | undefined)[];
  readonly progress: (number | undefined)[];
  readonly progressClock: (ProgressClock | undefined)[];
  private readonly waitingUpstream: number[];
  private readonly ready: number[] = [];
  private readyHead = 0;
  private unresolvedCount: number;

  constructor(private readonly graph: ValidGraph) {
    const n = graph.nodes.length;
    this.status = new Array<ModuleStatus>(n).fill("pending");
    this.outputs = new Array(n);
    this.errors = new Array(n);
    this.progress = new Array(n);
    this.progressClock = new Array(n);
    this.waitingUpstream = new Array<number>(n).fill(0);
    this.unresolvedCount = n;
  }

  get unresolved(): number {
    return this.unresolvedCount;
  }

  isResolved(index: number): boolean {
    return isFinishedModule(this.status[index] as ModuleStatus);
  }

  /** Takes a state found in the Store (a restored run): resolved modules are not run again. */
  adopt(index: number, status: ModuleStatus, outputs?: Record<string, unknown>, error?: ModuleFailure): void {
    this.status[index] = status;
    this.outputs[index] = outputs;
    this.errors[index] = error;
    if (isFinishedModule(status)) this.unresolvedCount--;
  }

  /**
   * Counts what each module waits for and queues those that can run; returns the modules that can
   * never run (upstream failed before a restart) so they are resolved skipped.
   */
  prepare(): number[] {
    const { nodes } = this.graph;
    for (const node of nodes) {
      if (this.isResolved(node.index)) continue;
      for (const d of node.downstream) this.waitingUpstream[d] = (this.waitingUpstream[d] ?? 0) + 1;
    }
    const blocked: number[] = [];
    for (const index of this.graph.order) {
      if (this.status[index] !== "pending" || this.waitingUpstream[index] !== 0) continue;
      const sources = [...(nodes[index]?.inputs.values() ?? [])];
      if (sources.some((s) => BLOCKING.has(this.status[s.node] as ModuleStatus))) blocked.push(index);
      else this.ready.push(index);
    }
    return blocked;
  }

  /** The next module ready to run and still pending, without taking it. */
  peekReady(): number | undefined {
    while (this.readyHead < this.ready.length) {
      const index = this.ready[this.readyHead] as number;
      if (this.status[index] === "pending") return index;
      this.readyHead++;
    }
    this.ready.length = 0;
    this.readyHead = 0;
    return undefined;
  }

  takeReady(): void {
    this.readyHead++;
  }

  get hasReady(): boolean {
    return this.peekReady() !== undefined;
  }

  /**
   * Resolves a module and what that releases or blocks downstream (`downstreamStatus` for what a
   * blocking resolution cuts off). Returns every module resolved, in order.
   */
  resolve(first: Resolution, downstreamStatus: ModuleStatus): Resolution[] {
    const done: Resolution[] = [];
    const work: Resolution[] = [first];
    for (let item = work.pop(); item; item = work.pop()) {
      const { index, status } = item;
      if (this.isResolved(index)) continue;
      this.status[index] = status;
      this.outputs[index] = item.outputs;
      this.errors[index] = item.error;
      this.unresolvedCount--;
      done.push(item);
      const blocks = BLOCKING.has(status);
      for (const d of this.graph.nodes[index]?.downstream ?? []) {
        this.waitingUpstream[d] = (this.waitingUpstream[d] ?? 0) - 1;
        if (this.status[d] !== "pending") continue;
        if (blocks) work.push({ index: d, status: downstreamStatus });
        else if (this.waitingUpstream[d] === 0) this.ready.push(d);
      }
    }
    return done;
  }

  /** Every module's state, outputs, error and progress, by module id. */
  view(): Record<string, ModuleView> {
    const modules: Record<string, ModuleView> = {};
    for (const node of this.graph.nodes) {
      const i = node.index;
      const { outputs, errors, progress, progressClock } = this;
      const status = this.status[i] as ModuleStatus;
      const clock = status === "suspended" ? progressClock[i] : undefined;
      modules[node.id] = {
        status,
        ...(outputs[i] ? { outputs: outputs[i] } : {}),
        ...(errors[i] ? { error: errors[i] } : {}),
        ...(progress[i] !== undefined ? { progress: progress[i] } : {}),
        ...(clock ? { progressClock: clock } : {}),
      };
    }
    return modules;
  }

  /** Why the run failed, in a sentence naming the first failed module. */
  failureSummary(): string {
    const failed = this.graph.nodes.filter((n) => this.status[n.index] === "failed");
    const first = failed[0];
    const detail = first ? `${first.id}: ${this.errors[first.index]?.message ?? "failed"}` : "";
    return failed.length === 1 ? `module ${detail}` : `${failed.length} modules failed; first ${detail}`;
  }
}
