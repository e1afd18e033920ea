import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ModuleRunRecord } from "../../../server/engine/records.js";
import { MIGRATIONS, migrate } from "../../../server/store/migrations.js";
import { DATABASE_FILE_NAME, openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { aRun, modulesOf, signatureOf, storeOnDisk } from "./store-test-records.js";

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

describe("SqliteStore: a run's modules as a module set and logged changes", () => {
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
    store.deleteRun("r1"); // it computed the same modules, so it shared the set too
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM module_sets")).toBe(0);
  });

  it("changes one module alone, as a logged change", () => {
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
    expect(rowCount(dataDir, "SELECT count(*) FROM run_modules")).toBe(0);
  });

  it("starts a run that computes some modules with the others cached, and no row per module", () => {
    const { store, dataDir } = storeWithComputedRun();
    const [first, ...rest] = cachedModules("r2") as [ModuleRunRecord, ...ModuleRunRecord[]];
    const { finishedAt: _, ...pending } = { ...first, status: "pending" as const };
    store.createRun(aRun("r2"), [pending, ...rest]);
    expect(store.modules("r2").map((m) => m.status)).toEqual(["pending", "cached", "cached"]);
    expect(rowCount(dataDir, "SELECT count(*) FROM run_modules")).toBe(0);
  });
});

describe("SqliteStore: changes of a run's modules", () => {
  it("commits the changes of one turn as one row, read back in order after a restart", async () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1", 3));
    store.updateModule("r1", "m0", { status: "running", startedAt: "2025-01-01T10:00:01.000Z" });
    store.updateModule("r1", "m0", { status: "done", finishedAt: "2025-01-01T10:00:02.000Z" });
    store.updateModule("r1", "m1", { status: "failed", error: { code: "x", message: "boom" } });
    await new Promise((resolve) => setImmediate(resolve));
    store.updateModule("r1", "m1", { error: undefined, status: undefined });
    store.close();
    expect(rowCount(dataDir, "SELECT count(*) FROM module_changes")).toBe(2);
    const reopened = openSqliteStore(dataDir);
    try {
      const [m0, m1, m2] = modulesOf("r1", 3) as [ModuleRunRecord, ModuleRunRecord, ModuleRunRecord];
      expect(reopened.modules("r1")).toStrictEqual([
        {
          ...m0,
          status: "done",
          startedAt: "2025-01-01T10:00:01.000Z",
          finishedAt: "2025-01-01T10:00:02.000Z",
        },
        { ...m1, status: "failed" },
        m2,
      ]);
    } finally {
      reopened.close();
    }
  });

  it("loses the changes of a turn that never committed (a crash), and only those", () => {
    const { dataDir } = storeOnDisk();
    const store = openSqliteStore(dataDir);
    store.createRun(aRun("r1"), modulesOf("r1", 2));
    store.updateModule("r1", "m0", { status: "done" });
    store.flush();
    store.updateModule("r1", "m1", { status: "done" });
    store.closeAsIfCrashed();
    const reopened = openSqliteStore(dataDir);
    try {
      expect(reopened.modules("r1").map((m) => m.status)).toEqual(["done", "pending"]);
    } finally {
      reopened.close();
    }
  });

  it("keeps committing other runs' changes after a run's creation failed to commit", () => {
    const { store } = storeWithComputedRun();
    store.flush();
    const pending = (runId: string) =>
      cachedModules(runId).map((m) => ({ ...m, status: "pending" as const, finishedAt: undefined }));
    // Run "b" is created in a group that fails (it also creates "r1" again, an id taken): rolled back.
    store.createRun(aRun("b"), pending("b"));
    store.createRun(aRun("r1"), pending("r1"));
    expect(() => store.flush()).toThrow();
    // "b", still running in memory, tells changes; another run's changes commit beside them.
    store.createRun(aRun("r3"), pending("r3"));
    store.updateModule("b", "m0", { status: "running" });
    store.updateModule("r3", "m0", { status: "done", outputs: { y: 0 } });
    store.flush();
    expect(store.modules("r3")[0]?.status).toBe("done");
    expect(store.modules("b")).toEqual([]);
  });

  it("deletes a run's changes with it", () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1", 2));
    store.updateModule("r1", "m0", { status: "done" });
    store.deleteRun("r1");
    store.flush();
    expect(rowCount(dataDir, "SELECT count(*) FROM module_changes")).toBe(0);
    expect(rowCount(dataDir, "SELECT count(*) FROM module_sets")).toBe(0);
  });
});

describe("SqliteStore: a run of a schema before module sets", () => {
  it("is read and changed through its run_modules rows after the upgrade", () => {
    const dataDir = tempDir("labflow-store-");
    const file = join(dataDir, DATABASE_FILE_NAME);
    const old = new Database(file);
    migrate(old, file, MIGRATIONS.slice(0, 4));
    old
      .prepare(
        "INSERT INTO runs (id, workflow_name, document, status, options, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run("r1", "w", JSON.stringify(aRun("r1").document), "running", "{}", createdAt, createdAt);
    const insert = old.prepare(
      "INSERT INTO run_modules (run_id, module_id, module_type, status, signature) VALUES (?, ?, ?, ?, ?)",
    );
    for (const m of modulesOf("r1")) insert.run("r1", m.moduleId, m.moduleType, m.status, m.signature);
    old.close();
    const store = openSqliteStore(dataDir);
    try {
      store.updateModule("r1", "m1", { status: "done", outputs: { y: 1 } });
      const [m0, m1] = modulesOf("r1") as [ModuleRunRecord, ModuleRunRecord];
      expect(store.modules("r1")).toStrictEqual([m0, { ...m1, status: "done", outputs: { y: 1 } }]);
    } finally {
      store.close();
    }
  });
});

describe("SqliteStore: grouped changes (schema 6)", () => {
  const changesRows = (dataDir: string): string[] => {
    const db = new Database(join(dataDir, DATABASE_FILE_NAME), { readonly: true });
    try {
      return db.prepare("SELECT changes FROM module_changes ORDER BY seq").pluck(true).all() as string[];
    } finally {
      db.close();
    }
  };

  it("writes consecutive changes with the same fields as one entry naming their modules, in order", () => {
    const { store, dataDir } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1", 4));
    const done = { status: "done" as const, finishedAt: "2025-01-01T10:00:02.000Z" };
    store.updateModule("r1", "m0", done);
    store.updateModule("r1", "m1", done);
    store.updateModule("r1", "m2", { status: "failed", error: { code: "x", message: "boom" } });
    store.updateModule("r1", "m3", done);
    store.updateModule("r1", "m0", { status: "running" });
    store.close();
    const fields = JSON.stringify(done);
    expect(changesRows(dataDir)).toEqual([
      `[[["m0","m1"],${fields}],["m2",{"status":"failed","error":{"code":"x","message":"boom"}}],["m3",${fields}],["m0",{"status":"running"}]]`,
    ]);
    const reopened = openSqliteStore(dataDir);
    try {
      const [m0, m1, m2, m3] = modulesOf("r1", 4) as ModuleRunRecord[] as [
        ModuleRunRecord,
        ModuleRunRecord,
        ModuleRunRecord,
        ModuleRunRecord,
      ];
      expect(reopened.modules("r1")).toStrictEqual([
        { ...m0, status: "running", finishedAt: done.finishedAt },
        { ...m1, ...done },
        { ...m2, status: "failed", error: { code: "x", message: "boom" } },
        { ...m3, ...done },
      ]);
    } finally {
      reopened.close();
    }
  });

  it("reads the single-module entries a schema 5 labflow wrote", () => {
    const dataDir = tempDir("labflow-store-");
    const file = join(dataDir, DATABASE_FILE_NAME);
    const old = new Database(file);
    migrate(old, file, MIGRATIONS.slice(0, 5));
    old.close();
    const { store } = storeOnDisk(dataDir);
    store.createRun(aRun("r1"), modulesOf("r1", 2));
    store.flush();
    store.close();
    const db = new Database(file);
    db.prepare("INSERT INTO module_changes (run_id, changes) VALUES (?, ?)").run(
      "r1",
      '[["m0",{"status":"done"}],["m1",{"status":"done"}],["m0",{"status":"failed"}]]',
    );
    db.close();
    const reopened = openSqliteStore(dataDir);
    try {
      expect(reopened.modules("r1").map((m) => m.status)).toEqual(["failed", "done"]);
    } finally {
      reopened.close();
    }
  });

  it("is refused by a labflow that knows schema 5 only, which would misread its rows", () => {
    const { store, dataDir } = storeOnDisk();
    store.close();
    const db = new Database(join(dataDir, DATABASE_FILE_NAME));
    try {
      expect(() => migrate(db, "labflow.db", MIGRATIONS.slice(0, 5))).toThrow(/schema version 6/);
    } finally {
      db.close();
    }
  });
});
