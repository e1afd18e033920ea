/** Records and a store on disk for the store's tests: builders instead of JSON walls. */
import { afterEach } from "vitest";
import type { JobRecord, ModuleRunRecord, RunRecord } from "../../../server/engine/records.js";
import { openSqliteStore, type SqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const opened: SqliteStore[] = [];

/** A SqliteStore on a real file in a fresh temp folder, closed after the test. */
export function storeOnDisk(dataDir = tempDir("labflow-store-")): { store: SqliteStore; dataDir: string } {
  const store = openSqliteStore(dataDir);
  opened.push(store);
  return { store, dataDir };
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

/** A running run of a two-module document, created at `createdAt`. */
export function aRun(id: string, overrides: Partial<RunRecord> = {}): RunRecord {
  const createdAt = overrides.createdAt ?? "2025-01-01T10:00:00.000Z";
  return {
    id,
    document: {
      version: 1,
      name: `workflow of ${id}`,
      modules: [
        { id: "a", type: "basic.Constant", params: { value: 2, nested: { list: [1, "x", null] } } },
        { id: "b", type: "basic.Log", position: { x: 10.5, y: -3 } },
      ],
      connections: [{ from: { module: "a", port: "value" }, to: { module: "b", port: "value" } }],
    },
    status: "running",
    options: { autoResume: true },
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/** Pending module records `m0`..`m{count-1}` of a run, with signatures unique to the run. */
export function modulesOf(runId: string, count = 2): ModuleRunRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    runId,
    moduleId: `m${index}`,
    moduleType: "test.Step",
    status: "pending" as const,
    signature: signatureOf(runId, `m${index}`),
  }));
}

export function signatureOf(runId: string, moduleId: string): string {
  return `sig-${runId}-${moduleId}`;
}

/** A job just recorded before `start` (state starting, params null). */
export function aJob(id: string, runId: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    runId,
    moduleId: "m0",
    moduleType: "jobs.Timer",
    signature: signatureOf(runId, "m0"),
    kind: "jobs.Timer",
    params: null,
    state: "starting",
    paused: false,
    intervalMs: null,
    submittedAt: "2025-01-01T10:00:01.000Z",
    failedChecks: 0,
    ...overrides,
  };
}
