import type { ClaimResult, InstrumentRequest, InstrumentTarget } from "../../../modules/sdk/instruments.js";
import { EngineError } from "../../engine/engine-error.js";
import { isFinishedJob, type JobState } from "../../schema/states.js";
import type { ClaimRecord, PipelineState, PipelineStore } from "../../store/pipeline-store.js";
import {
  describeRequest,
  fits,
  fittingPipelines,
  type InstrumentCatalog,
  type PipelineDefinition,
  sampleFits,
  whyUnavailable,
} from "./pipeline-matching.js";
import { type PipelineView, pipelineView } from "./pipeline-view.js";

/** The state of a job, to find claims left behind by jobs that ended without releasing them. */
export type JobStateLookup = (jobId: string) => JobState | undefined;

const MAX_SAMPLE_LENGTH = 200;

/**
 * Pipelines and samples, with tomato's rules: load fails on a full pipeline, eject and ready fail
 * while a job holds the pipeline, ready needs a sample. Instrument jobs claim a ready pipeline that
 * holds their sample, oldest request first; a completed job re-readies its pipeline only when it
 * asks to, failed and cancelled jobs never do. Every state is in SQLite (PipelineStore), keyed by
 * pipeline name and job id, so a restarted server finds the same samples and claims. Which
 * pipeline fits a request is decided by the rules in pipeline-matching.ts.
 */
export class PipelineService {
  /** Pipelines changed by the transaction under way: told once it committed. */
  private readonly changed = new Set<string>();
  /** Told of every change of a pipeline (load, eject, ready, claim, release), after it is stored. */
  onChange: ((pipeline: PipelineView) => void) | undefined;

  constructor(
    private readonly catalog: InstrumentCatalog,
    private readonly store: PipelineStore,
    private readonly jobState?: JobStateLookup,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  status(): PipelineView[] {
    this.dropClaimsOfEndedJobs();
    return this.catalog.pipelines.map((definition) => this.view(definition));
  }

  get(name: string): PipelineView {
    return this.view(this.definition(name));
  }

  /** Puts a sample into an empty pipeline (not ready: a person says when it is). */
  load(name: string, sample: string): PipelineView {
    const definition = this.definition(name);
    const label = checkSample(sample);
    this.change(() => {
      const state = this.stateOf(name);
      if (state.sample !== undefined) {
        throw new EngineError(
          "pipeline_full",
          `pipeline "${name}" already holds sample "${state.sample}": eject it first`,
        );
      }
      this.savePipeline({ ...state, sample: label, ready: false, updatedAt: this.now() });
    });
    return this.view(definition);
  }

  /** Takes the sample out; refused while a job holds the pipeline. Ejecting an empty pipeline changes nothing. */
  eject(name: string): PipelineView {
    const definition = this.definition(name);
    this.change(() => {
      const state = this.stateOf(name);
      this.refuseWhileHeld(state, "eject its sample");
      if (state.sample === undefined && !state.ready) return;
      const { sample: _ejected, ...rest } = state;
      this.savePipeline({ ...rest, ready: false, updatedAt: this.now() });
    });
    return this.view(definition);
  }

  /** Marks the pipeline ready (or not); refused while a job holds it, and ready without a sample. */
  ready(name: string, ready = true): PipelineView {
    const definition = this.definition(name);
    this.change(() => {
      const state = this.stateOf(name);
      this.refuseWhileHeld(state, ready ? "mark it ready" : "mark it not ready");
      if (ready && state.sample === undefined) {
        throw new EngineError(
          "pipeline_empty",
          `pipeline "${name}" holds no sample: load one first (labflow pipeline load ${name} SAMPLE)`,
        );
      }
      this.savePipeline({ ...state, ready, updatedAt: this.now() });
    });
    return this.view(definition);
  }

  /**
   * Gives the job a ready pipeline that fits its request, or says why it waits, or why it never
   * could run. The same job gets the same answer again (also after a restart, and after it released
   * the pipeline: its task is then found finished, never started twice).
   */
  claim(jobId: string, request: InstrumentRequest): ClaimResult {
    this.dropClaimsOfEndedJobs();
    return this.change((): ClaimResult => {
      const existing = this.store.claim(jobId);
      if (existing?.pipeline !== undefined) return claimedAnswer(existing);
      if (existing?.state === "released")
        return {
          status: "impossible",
          reason: `job ${jobId} already gave up its claim (${existing.outcome})`,
        };
      const fitting = fittingPipelines(this.catalog, request);
      if (typeof fitting === "string") return { status: "impossible", reason: fitting };

      const at = this.now();
      const mine: ClaimRecord = existing ?? {
        jobId,
        request,
        state: "waiting",
        seq: this.store.nextClaimSeq(),
        since: at,
        updatedAt: at,
      };
      if (!existing) this.store.saveClaim(mine);
      const earlier = this.store
        .openClaims()
        .filter((c) => c.state === "waiting" && c.jobId !== jobId && askedBefore(c, mine));
      const reasons: string[] = [];
      for (const definition of fitting) {
        const state = this.stateOf(definition.name);
        const unavailable = whyUnavailable(state, request.sample);
        if (unavailable) {
          reasons.push(`${definition.name} ${unavailable}`);
          continue;
        }
        const busy = this.channelBusy(definition, jobId);
        if (busy) {
          reasons.push(`${definition.name} ${busy}`);
          continue;
        }
        // First come, first served, also across pipelines that share a device channel.
        const first = earlier.find((c) =>
          this.catalog.pipelines.some(
            (other) =>
              (other.name === definition.name || sharedChannel(other, definition) !== undefined) &&
              fits(this.catalog, c.request, other) &&
              sampleFits(this.stateOf(other.name), c.request),
          ),
        );
        if (first) {
          reasons.push(`${definition.name} goes first to job ${first.jobId}, which asked earlier`);
          continue;
        }
        const target = definition.roles[request.role] as InstrumentTarget;
        this.savePipeline({ ...state, jobId, ready: false, updatedAt: at });
        const claimed: ClaimRecord = {
          ...mine,
          state: "claimed",
          pipeline: definition.name,
          device: target.device,
          channel: target.channel,
          ...(state.sample !== undefined ? { sample: state.sample } : {}),
          updatedAt: at,
        };
        this.store.saveClaim(claimed);
        return claimedAnswer(claimed);
      }
      return { status: "waiting", reason: `waiting for ${describeRequest(request)}: ${reasons.join("; ")}` };
    });
  }

  /** Frees the job's pipeline; only a completed job that asks for it leaves the pipeline ready. */
  release(jobId: string, outcome: "completed" | "failed" | "cancelled", reReady: boolean): void {
    this.change(() => {
      const claim = this.store.claim(jobId);
      if (!claim || claim.state === "released") return;
      const at = this.now();
      if (claim.pipeline !== undefined) {
        const state = this.stateOf(claim.pipeline);
        if (state.jobId === jobId) {
          const { jobId: _held, ...rest } = state;
          this.savePipeline({ ...rest, ready: outcome === "completed" && reReady, updatedAt: at });
        }
      }
      this.store.saveClaim({ ...claim, state: "released", outcome, updatedAt: at });
    });
  }

  /** The job's claim as stored (the instrument service keeps the task's progress in it). */
  claimOf(jobId: string): ClaimRecord | undefined {
    return this.store.claim(jobId);
  }

  /** The claims of jobs that wait for or hold a pipeline. */
  openClaims(): ClaimRecord[] {
    return this.store.openClaims();
  }

  saveClaim(claim: ClaimRecord): void {
    this.store.saveClaim(claim);
  }

  /** The device channel of a pipeline's role; throws naming the pipeline or role when unknown. */
  resolve(pipeline: string, role: string): InstrumentTarget {
    const definition = this.definition(pipeline);
    const target = definition.roles[role];
    if (!target) {
      throw new EngineError(
        "role_not_found",
        `pipeline "${pipeline}" has no role "${role}" (its roles: ${Object.keys(definition.roles).join(", ") || "none"})`,
      );
    }
    return target;
  }

  /**
   * Why a device channel of the pipeline is in use by another job (through another pipeline that
   * shares it, e.g. a common detector), or undefined when all its channels are free.
   */
  private channelBusy(definition: PipelineDefinition, jobId: string): string | undefined {
    for (const claim of this.store.openClaims()) {
      if (claim.jobId === jobId || claim.state !== "claimed" || claim.pipeline === undefined) continue;
      const other = this.catalog.pipelines.find((p) => p.name === claim.pipeline);
      const shared = other && sharedChannel(other, definition);
      if (shared)
        return `shares device "${shared.device}" channel "${shared.channel}" with pipeline ${claim.pipeline}, in use by job ${claim.jobId}`;
    }
    return undefined;
  }

  /** Runs `work` in one transaction, then tells `onChange` of the pipelines it changed. */
  private change<T>(work: () => T): T {
    let result: T;
    try {
      result = this.store.transaction(work);
    } catch (error) {
      this.changed.clear(); // rolled back: nothing changed
      throw error;
    }
    const names = [...this.changed];
    this.changed.clear();
    for (const name of names) {
      try {
        this.onChange?.(this.get(name));
      } catch (error) {
        console.error(`labflow: telling of a change of pipeline ${name} failed:`, error);
      }
    }
    return result;
  }

  private savePipeline(state: PipelineState): void {
    this.store.savePipeline(state);
    this.changed.add(state.name);
  }

  private definition(name: string): PipelineDefinition {
    const definition = this.catalog.pipelines.find((p) => p.name === name);
    if (!definition) {
      const known = this.catalog.pipelines.map((p) => p.name).join(", ") || "none";
      throw new EngineError(
        "pipeline_not_found",
        `no pipeline "${name}" in the devices file (pipelines: ${known})`,
      );
    }
    return definition;
  }

  private stateOf(name: string): PipelineState {
    return this.store.pipeline(name) ?? { name, ready: false, updatedAt: this.now() };
  }

  private refuseWhileHeld(state: PipelineState, action: string): void {
    if (state.jobId !== undefined) {
      throw new EngineError(
        "pipeline_busy",
        `pipeline "${state.name}" is held by job ${state.jobId}: cannot ${action} while it runs ` +
          "(cancel the job or wait for it to end)",
      );
    }
  }

  /** A job that ended without releasing its claim (it failed on check errors, was deleted) frees it now. */
  private dropClaimsOfEndedJobs(): void {
    const lookup = this.jobState;
    if (!lookup) return;
    for (const claim of this.store.openClaims()) {
      const state = lookup(claim.jobId);
      if (state === undefined || isFinishedJob(state))
        this.release(claim.jobId, state === "cancelled" ? "cancelled" : "failed", false);
    }
  }

  private view(definition: PipelineDefinition): PipelineView {
    return pipelineView(this.catalog, definition, this.store.pipeline(definition.name));
  }
}

function claimedAnswer(claim: ClaimRecord): ClaimResult {
  return {
    status: "claimed",
    pipeline: claim.pipeline as string,
    device: claim.device as string,
    channel: claim.channel as string,
    ...(claim.sample !== undefined ? { sample: claim.sample } : {}),
  };
}

/** A device channel both pipelines use, if any. */
function sharedChannel(a: PipelineDefinition, b: PipelineDefinition): InstrumentTarget | undefined {
  const theirs = Object.values(b.roles);
  return Object.values(a.roles).find((t) =>
    theirs.some((u) => u.device === t.device && u.channel === t.channel),
  );
}

function askedBefore(a: ClaimRecord, b: ClaimRecord): boolean {
  return a.seq < b.seq;
}

function checkSample(sample: string): string {
  const label = sample.trim();
  if (label === "" || label.length > MAX_SAMPLE_LENGTH || /\p{Cc}/u.test(label)) {
    throw new EngineError(
      "invalid_sample",
      `a sample name has 1 to ${MAX_SAMPLE_LENGTH} printable characters (got ${JSON.stringify(sample)})`,
    );
  }
  return label;
}
