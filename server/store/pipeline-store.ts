import { join } from "node:path";
import type Database from "better-sqlite3";
import type { InstrumentRequest, TaskSpec, TaskState } from "../../modules/sdk/instruments.js";
import { openDatabase } from "./sqlite-connection.js";
import { DATABASE_FILE_NAME } from "./sqlite-store.js";

/** What people and jobs changed of a pipeline declared in the devices file. */
export interface PipelineState {
  name: string;
  sample?: string;
  ready: boolean;
  /** The job holding the pipeline. */
  jobId?: string;
  updatedAt: string;
}

export type ClaimState = "waiting" | "claimed" | "released";

/** An instrument job's claim: waiting for a pipeline, holding one, or done with it. */
export interface ClaimRecord {
  jobId: string;
  request: InstrumentRequest;
  state: ClaimState;
  /** Order of asking (store-wide, increasing): waiting jobs are served lowest first. */
  seq: number;
  /** When the job first asked. */
  since: string;
  pipeline?: string;
  device?: string;
  channel?: string;
  sample?: string;
  task?: TaskSpec;
  taskStartedAt?: string;
  taskFinal?: TaskState;
  outcome?: "completed" | "failed" | "cancelled";
  updatedAt: string;
}

interface PipelineRow {
  name: string;
  sample: string | null;
  ready: number;
  job_id: string | null;
  updated_at: string;
}

interface ClaimRow {
  job_id: string;
  request: string;
  state: ClaimState;
  seq: number;
  since: string;
  pipeline: string | null;
  device: string | null;
  channel: string | null;
  sample: string | null;
  task: string | null;
  task_started_at: string | null;
  task_final: string | null;
  outcome: ClaimRecord["outcome"] | null;
  updated_at: string;
}

/**
 * Pipeline states and instrument claims in the data folder's SQLite file. A connection of its own:
 * every write is its own synchronous transaction, durable when the call returns (a claim must be on
 * disk before the task it allows is started), apart from the Store's group commit.
 */
export class PipelineStore {
  private readonly statements;

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      pipeline: db.prepare("SELECT * FROM pipelines WHERE name = ?"),
      pipelines: db.prepare("SELECT * FROM pipelines ORDER BY name"),
      savePipeline: db.prepare(
        `INSERT INTO pipelines (name, sample, ready, job_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET sample = excluded.sample, ready = excluded.ready,
           job_id = excluded.job_id, updated_at = excluded.updated_at`,
      ),
      claim: db.prepare("SELECT * FROM instrument_claims WHERE job_id = ?"),
      nextSeq: db.prepare("SELECT coalesce(max(seq), 0) + 1 FROM instrument_claims").pluck(),
      openClaims: db.prepare(
        "SELECT * FROM instrument_claims WHERE state IN ('waiting', 'claimed') ORDER BY seq",
      ),
      saveClaim: db.prepare(
        `INSERT OR REPLACE INTO instrument_claims (job_id, request, state, seq, since, pipeline, device, channel,
           sample, task, task_started_at, task_final, outcome, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** Opens the store of a data folder (the same file as the engine's Store, migrated). */
  static open(dataDir: string): PipelineStore {
    return new PipelineStore(openDatabase(join(dataDir, DATABASE_FILE_NAME)));
  }

  pipeline(name: string): PipelineState | undefined {
    const row = this.statements.pipeline.get(name) as PipelineRow | undefined;
    return row && pipelineFromRow(row);
  }

  pipelines(): PipelineState[] {
    return (this.statements.pipelines.all() as PipelineRow[]).map(pipelineFromRow);
  }

  savePipeline(state: PipelineState): void {
    this.statements.savePipeline.run(
      state.name,
      state.sample ?? null,
      state.ready ? 1 : 0,
      state.jobId ?? null,
      state.updatedAt,
    );
  }

  claim(jobId: string): ClaimRecord | undefined {
    const row = this.statements.claim.get(jobId) as ClaimRow | undefined;
    return row && claimFromRow(row);
  }

  /** The `seq` of the next new claim. */
  nextClaimSeq(): number {
    return this.statements.nextSeq.get() as number;
  }

  /** Claims waiting or holding a pipeline, oldest first. */
  openClaims(): ClaimRecord[] {
    return (this.statements.openClaims.all() as ClaimRow[]).map(claimFromRow);
  }

  saveClaim(claim: ClaimRecord): void {
    this.statements.saveClaim.run(
      claim.jobId,
      JSON.stringify(claim.request),
      claim.state,
      claim.seq,
      claim.since,
      claim.pipeline ?? null,
      claim.device ?? null,
      claim.channel ?? null,
      claim.sample ?? null,
      claim.task ? JSON.stringify(claim.task) : null,
      claim.taskStartedAt ?? null,
      claim.taskFinal ? JSON.stringify(claim.taskFinal) : null,
      claim.outcome ?? null,
      claim.updatedAt,
    );
  }

  /** Runs `work` in one IMMEDIATE transaction: a claim and its pipeline change together or not at all. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function pipelineFromRow(row: PipelineRow): PipelineState {
  return {
    name: row.name,
    ...(row.sample !== null ? { sample: row.sample } : {}),
    ready: row.ready === 1,
    ...(row.job_id !== null ? { jobId: row.job_id } : {}),
    updatedAt: row.updated_at,
  };
}

function claimFromRow(row: ClaimRow): ClaimRecord {
  const optional = <K extends string>(key: K, value: string | null) =>
    (value === null ? {} : { [key]: value }) as { [P in K]?: string };
  return {
    jobId: row.job_id,
    request: JSON.parse(row.request) as InstrumentRequest,
    state: row.state,
    seq: row.seq,
    since: row.since,
    ...optional("pipeline", row.pipeline),
    ...optional("device", row.device),
    ...optional("channel", row.channel),
    ...optional("sample", row.sample),
    ...(row.task !== null ? { task: JSON.parse(row.task) as TaskSpec } : {}),
    ...optional("taskStartedAt", row.task_started_at),
    ...(row.task_final !== null ? { taskFinal: JSON.parse(row.task_final) as TaskState } : {}),
    ...(row.outcome !== null ? { outcome: row.outcome } : {}),
    updatedAt: row.updated_at,
  };
}
