import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { DATABASE_FILE_NAME, openSqliteStore } from "../../../server/store/sqlite-store.js";
import { aJob, aRun, modulesOf, storeOnDisk } from "./store-test-records.js";

/** A second connection to the file: it sees what is committed, nothing of the queue. */
function committedRuns(dataDir: string): string[] {
  const db = new Database(join(dataDir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return (db.prepare("SELECT id FROM runs ORDER BY rowid").all() as { id: string }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

const endOfTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("SqliteStore: group commit", () => {
  it("shows the writes of this turn to a read at once", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1"));
    store.updateModule("r1", "m0", { status: "running" });
    expect(store.modules("r1")[0]?.status).toBe("running");
  });

  it("commits the writes of a turn together at its end, without a flush", async () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1"));
    store.createRun(aRun("r2"), modulesOf("r2"));
    expect(committedRuns(dataDir)).toEqual([]);
    await endOfTurn();
    expect(committedRuns(dataDir)).toEqual(["r1", "r2"]);
  });

  it("commits at once on flush, durably: a store opened on the file sees the writes", () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1"));
    store.flush();
    expect(committedRuns(dataDir)).toEqual(["r1"]);
    const other = openSqliteStore(dataDir);
    try {
      expect(other.modules("r1")).toHaveLength(2);
    } finally {
      other.close();
    }
  });

  it("commits the queue on close", () => {
    const { dataDir } = storeOnDisk();
    const store = openSqliteStore(dataDir);
    store.createRun(aRun("r1"), modulesOf("r1"));
    store.close();
    const reopened = openSqliteStore(dataDir);
    try {
      expect(reopened.getRun("r1")?.id).toBe("r1");
    } finally {
      reopened.close();
    }
  });

  it("throws a failed write to flush, naming table and key, and rolls back its whole group", () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createJob(aJob("j1", "r1"));
    store.flush();
    store.createRun(aRun("r2"), modulesOf("r2"));
    store.createJob(aJob("j1", "r1"));
    expect(() => store.flush()).toThrow(/cannot write jobs \(job "j1"\): UNIQUE constraint failed/);
    expect(committedRuns(dataDir)).toEqual(["r1"]);
    expect(store.getRun("r2")).toBeUndefined();
  });

  it("throws a failed write to the read that committed it, and goes on working after", () => {
    const { store } = storeOnDisk();
    store.appendLog({ runId: "no-such-run", at: "2025-01-01T10:00:00.000Z", level: "info", message: "x" });
    expect(() => store.getRun("r1")).toThrow(
      expect.objectContaining({ code: "store_write_failed", message: expect.stringMatching(/run_log/) }),
    );
    store.createRun(aRun("r1"), []);
    expect(store.getRun("r1")?.id).toBe("r1");
  });

  it("throws the failure of a group committed at the end of a turn to the next flush", async () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createRun(aRun("r1"), []);
    await endOfTurn();
    expect(committedRuns(dataDir)).toEqual([]);
    expect(() => store.flush()).toThrow(/cannot write runs \(run "r1"\): UNIQUE constraint failed/);
    expect(() => store.flush()).not.toThrow();
  });

  it("refuses writes after close", () => {
    const { dataDir } = storeOnDisk();
    const store = openSqliteStore(dataDir);
    store.close();
    expect(() => store.createRun(aRun("r1"), [])).toThrow(expect.objectContaining({ code: "store_closed" }));
    expect(() => store.close()).not.toThrow();
  });
});
