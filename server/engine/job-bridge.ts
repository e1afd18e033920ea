import { mkdirSync } from "node:fs";
import type { ComputeContext } from "../../modules/sdk/define-module.js";
import type { ModuleSuspended } from "../../modules/sdk/module-suspended.js";
import { isFinishedJob } from "../schema/states.js";
import type { ExecutionEnvironment } from "./execution-environment.js";
import type { JobBoard } from "./job-board.js";
import { applyJobEvent, type JobEvent } from "./job-lifecycle.js";
import { changedFields } from "./job-patch.js";
import { checkOutputs, toFailure } from "./module-io.js";
import type { JobRecord } from "./records.js";
import { jobIdFor } from "./signature.js";
import type { GraphNode } from "./validate-workflow.js";

const now = () => new Date().toISOString();

type Context = ComputeContext<Record<string, unknown>, Record<string, unknown>>;

/** What the bridge needs of the run it serves. */
export interface JobBridgeHost {
  readonly runId: string;
  signatureOf(index: number): string;
  context(node: GraphNode, inputs: Record<string, unknown>): Context;
}

/**
 * Between a run's modules and their jobs: finds the job of a module's work (a job is its work, keyed
 * by the module signature), starts it when there is none (recorded and flushed before `start`, so a
 * crash never starts it twice), attaches to it when there is one, and makes its results once.
 */
export class JobBridge {
  constructor(
    private readonly env: ExecutionEnvironment,
    private readonly board: JobBoard,
    private readonly host: JobBridgeHost,
  ) {}

  /**
   * The job of this execution's work: an existing one to follow, or one started now. `restoring`:
   * the module was waiting for a job before a restart; it follows that job whatever its state.
   * Undefined for a low-level module with no job yet (it computes, and may suspend).
   * `onClaim` is told the job's id before any await, so a cancel meanwhile can reach it.
   */
  async jobFor(
    node: GraphNode,
    inputs: () => Record<string, unknown>,
    restoring: boolean,
    onClaim: (jobId: string) => void,
  ): Promise<JobRecord | undefined> {
    const signature = this.host.signatureOf(node.index);
    const earlier = this.env.store.jobsWithSignature(signature);
    const latest = earlier.at(-1);
    // A failed or cancelled job is not reused (the cache keeps no failures): the work is tried anew.
    if (latest && (restoring || !(latest.state === "failed" || latest.state === "cancelled"))) {
      onClaim(latest.id);
      const inFlight = this.board.startInFlight(latest.id);
      if (inFlight) await inFlight.catch(() => {});
      else if (latest.params === null && !isFinishedJob(latest.state) && node.definition.job) {
        // The process died between recording the job and recording what `start` returned: `start`
        // is called again with the same job id, its idempotency key, to find the earlier submission.
        const values = inputs();
        await this.board.startOnce(latest.id, () => this.callStart(node, latest.id, values));
      } else return latest; // Nothing awaited: the record just read is current (a restart reads 10,000).
      return this.env.store.getJob(latest.id) ?? latest;
    }
    if (!node.definition.job) return undefined;
    const values = inputs();
    const job = this.newJob(
      node,
      jobIdFor(signature, earlier.length, this.env.folderKey),
      node.definition.type,
      null,
      "starting",
    );
    onClaim(job.id);
    await this.board.startOnce(job.id, () => this.callStart(node, job.id, values));
    return this.env.store.getJob(job.id) ?? job;
  }

  /** A low-level module suspended: its job is recorded running, with the handle it gave. */
  recordSuspension(node: GraphNode, suspension: ModuleSuspended): JobRecord {
    const signature = this.host.signatureOf(node.index);
    const attempt = this.env.store.jobsWithSignature(signature).length;
    const job = this.newJob(
      node,
      jobIdFor(signature, attempt, this.env.folderKey),
      suspension.handle.kind,
      suspension.handle.params ?? {},
      "running",
    );
    if (suspension.message) this.write(job, { ...job, message: suspension.message });
    return this.env.store.getJob(job.id) ?? job;
  }

  /**
   * The outputs of a completed job, made once for everyone following it: from the cache when an
   * earlier delivery stored them, else `finish` + `setResults` (or `compute` again, for a low-level
   * suspension), checked to be storable.
   */
  results(
    node: GraphNode,
    job: JobRecord,
    inputs: () => Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    return this.board.deliverOnce(job.id, async () => {
      const signature = this.host.signatureOf(node.index);
      const cached = this.env.store.cachedOutputs([signature]).get(signature);
      if (cached) return cached;
      const { definition } = node;
      const jobEnv = { jobId: job.id, jobDir: this.env.jobDir(job), services: this.env.services };
      let result: unknown;
      if (definition.job) {
        await definition.job.finish?.(job.params, jobEnv);
        result = await definition.job.setResults(job.params, jobEnv);
      } else {
        result = await definition.compute?.({
          ...this.host.context(node, inputs()),
          resumed: { kind: job.kind, params: job.params },
        });
      }
      return checkOutputs(definition, result, node.id);
    });
  }

  private newJob(
    node: GraphNode,
    id: string,
    kind: string,
    params: unknown,
    state: "starting" | "running",
  ): JobRecord {
    const at = now();
    const job: JobRecord = {
      id,
      runId: this.host.runId,
      moduleId: node.id,
      moduleType: node.definition.type,
      signature: this.host.signatureOf(node.index),
      kind,
      params,
      state,
      paused: false,
      intervalMs: null,
      submittedAt: at,
      ...(state === "running" ? { startedAt: at } : {}),
      failedChecks: 0,
    };
    // Flushed before any work starts: a crash can never forget work that was started.
    this.env.store.createJob(job);
    this.env.store.flush();
    this.env.events.emit({ type: "job", job });
    return job;
  }

  /**
   * Calls the module's `start` and records its answer through the lifecycle: a cancel that arrived
   * while `start` ran is kept (the job stays `cancelling` and its work is stopped now). Throws the
   * start's error when the job failed because of it.
   */
  private async callStart(node: GraphNode, jobId: string, inputs: Record<string, unknown>): Promise<void> {
    const recorded = this.env.store.getJob(jobId);
    if (!recorded) return;
    const jobDir = this.env.jobDir(recorded);
    mkdirSync(jobDir, { recursive: true });
    let params: unknown;
    try {
      params = await node.definition.job?.start({ ...this.host.context(node, inputs), jobId, jobDir });
    } catch (error) {
      const after = this.transition(jobId, {
        type: "start_failed",
        message: toFailure(error).message,
        at: now(),
      });
      if (after?.state === "failed") throw error;
      return;
    }
    const after = this.transition(jobId, { type: "start_returned", params, at: now() });
    // Cancelled while it started: the monitor stops the work at its first look.
    if (after?.state === "cancelling") this.env.jobs.track(after);
  }

  /** Applies a lifecycle event to the job as stored now (a cancel may have changed it meanwhile). */
  private transition(jobId: string, event: JobEvent): JobRecord | undefined {
    const current = this.env.store.getJob(jobId);
    if (!current) return undefined;
    const { job, changed } = applyJobEvent(current, event);
    if (changed) this.write(current, job);
    this.env.store.flush();
    return job;
  }

  private write(before: JobRecord, after: JobRecord): void {
    this.env.store.updateJob(after.id, changedFields(before, after));
    this.env.events.emit({ type: "job", job: after });
  }
}
