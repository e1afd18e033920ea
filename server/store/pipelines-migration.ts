import type { Migration } from "./migration.js";

/**
 * Schema step 3: the state of instrument pipelines (sample, ready, the job holding it) and the
 * claims of instrument jobs, so that both survive a restart of the server. Pipelines themselves are
 * declared in the devices file; only what people and jobs change is kept here.
 */
export const PIPELINES_MIGRATION: Migration = {
  version: 3,
  description: "instrument pipelines (sample, ready, job) and the claims of instrument jobs",
  up(db) {
    db.exec(`
      CREATE TABLE pipelines (
        name       TEXT PRIMARY KEY,
        sample     TEXT,               -- NULL: empty
        ready      INTEGER NOT NULL,   -- 0 or 1, set by a person (or a completed job that asks for it)
        job_id     TEXT,               -- the job holding the pipeline, NULL when free
        updated_at TEXT NOT NULL
      );

      -- One row per instrument job, keyed by the job id, so that a restarted server finds the same
      -- claim and never starts a task twice.
      CREATE TABLE instrument_claims (
        job_id          TEXT PRIMARY KEY,
        request         TEXT NOT NULL,  -- JSON InstrumentRequest
        state           TEXT NOT NULL,  -- waiting | claimed | released
        seq             INTEGER NOT NULL,  -- order of asking: waiting jobs are served in this order
        since           TEXT NOT NULL,  -- when the job first asked
        pipeline        TEXT,
        device          TEXT,
        channel         TEXT,
        sample          TEXT,
        task            TEXT,           -- JSON TaskSpec, kept to start a task the driver never got
        task_started_at TEXT,           -- set just before the task is started on the driver
        task_final      TEXT,           -- JSON TaskState once the task ended
        outcome         TEXT,           -- completed | failed | cancelled, once released
        updated_at      TEXT NOT NULL
      );
      CREATE INDEX instrument_claims_waiting ON instrument_claims (seq) WHERE state = 'waiting';
    `);
  },
};
