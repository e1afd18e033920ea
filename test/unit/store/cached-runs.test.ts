import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ModuleRunRecord } from "../../../server/engine/records.js";
import { DATABASE_FILE_NAME, openSqliteStore } from "../../../server/store/sqlite-store.js";
import { aRun, signatureOf, storeOnDisk } from "./store-test-records.js";

const createdAt = aRun("x").createdAt;

/** Modules of `runId` served from the cache at its start, with the signatures run "r1" computed. */
function cachedModules(runId: string, count = 3): ModuleRunRecord[] {
  return Array.from({ length: count }, (_, index) => ({
    runId,
    moduleId: `m${index}`,
    moduleType: "test.Step",
    status: "cached" as const,
    signature: signatureOf("r1", `m${index}`),
    finishedAt: createdAt,
  }));
}

/** A store where run "r1" computed m0..m2 (outputs { y: i }), as an engine's cold run leaves it. */
function storeWithComputedRun() {
  const opened = storeOnDisk();
  const { store } = opened;
  store.createRun(
    aRun("r1"),
    cachedModules("r1").map((m) => ({ ...m, status: "pending" as const, finishedAt: undefined })),
  );
  for (let i = 0; i < 3; i++) store.updateModule("r1", `m${i}`, { status: "done", outputs: { y: i } });
  return opened;
}

function rowCount(dataDir: string, sql: string): number {
  const db = new Database(join(dataDir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return db.prepare(sql).pluck(true).get() as number;
  } finally {
    db.close();
  }
}

const withOutputs = (runId: string) =>
  cachedModules(runId).map((m, i) => ({ ...m, outputs: { y: i } }) as ModuleRunRecord);

describe("SqliteStore: a run served wholly from the cache", () => {
  it("lists every module cached, with its outputs, in the run's order, from one module set", () => {
    const { store, dataDir } = storeWithComputedRun();
    store.createRun(aRun("r2"), cachedModules("r2"));
    expect(store.modules("r2")).toStrictEqual(withOutputs("r2"));
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM run_modules WHERE run_id = 'r2'")).toBe(0);
    expect(rowCount(dataDir, "SELECT count(*) FROM module_sets")).toBe(1);
  });

  it("reads the same modules back after a restart", () => {
    const { store, dataDir } = storeWithComputedRun();
    store.createRun(aRun("r2"), cachedModules("r2"));
    store.close();
    const reopened = openSqliteStore(dataDir);
    try {
      expect(reopened.modules("r2")).toStrictEqual(withOutputs("r2"));
    } finally {
      reopened.close();
    }
  });

  it("stays whole when the run that computed its outputs is deleted", () => {
    const { store } = storeWithComputedRun();
    store.createRun(aRun("r2"), cachedModules("r2"));
    store.deleteRun("r1");
    expect(store.getRun("r1")).toBeUndefined();
    expect(store.modules("r2")).toStrictEqual(withOutputs("r2"));
  });

  it("shares one set among runs of the same modules; the set goes with the last of them", () => {
    const { store, dataDir } = storeWithComputedRun();
    store.createRun(aRun("r2"), cachedModules("r2"));
    store.createRun(aRun("r3"), cachedModules("r3"));
    store.deleteRun("r2");
    expect(store.modules("r3")).toStrictEqual(withOutputs("r3"));
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM module_sets")).toBe(1);
    store.deleteRun("r3");
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM module_sets")).toBe(0);
  });

  it("changes one module alone: the set becomes the run's own rows first", () => {
    const { store, dataDir } = storeWithComputedRun();
    store.createRun(aRun("r2"), cachedModules("r2"));
    store.createRun(aRun("r3"), cachedModules("r3"));
    store.updateModule("r2", "m1", { status: "failed", error: { code: "x", message: "boom" } });
    const [m0, m1, m2] = withOutputs("r2") as [ModuleRunRecord, ModuleRunRecord, ModuleRunRecord];
    const { outputs: _, ...failed } = m1;
    expect(store.modules("r2")).toStrictEqual([
      m0,
      { ...failed, status: "failed", error: { code: "x", message: "boom" } },
      m2,
    ]);
    expect(store.modules("r3")).toStrictEqual(withOutputs("r3"));
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM run_modules WHERE run_id = 'r2'")).toBe(3);
  });

  it("keeps a row per module when any module is not served from the cache", () => {
    const { store, dataDir } = storeWithComputedRun();
    const [first, ...rest] = cachedModules("r2") as [ModuleRunRecord, ...ModuleRunRecord[]];
    const pending: ModuleRunRecord = { ...first, status: "pending", finishedAt: undefined };
    delete pending.finishedAt;
    store.createRun(aRun("r2"), [pending, ...rest]);
    expect(store.modules("r2").map((m) => m.status)).toEqual(["pending", "cached", "cached"]);
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM run_modules WHERE run_id = 'r2'")).toBe(3);
  });
});
