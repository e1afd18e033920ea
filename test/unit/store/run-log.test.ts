import { describe, expect, it } from "vitest";
import { aRun, storeOnDisk } from "./store-test-records.js";

describe("SqliteStore: the run log", () => {
  it("keeps a run's log oldest first, and gives what follows a seq", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), []);
    store.createRun(aRun("r2"), []);
    store.appendLog({ runId: "r1", at: "2025-01-01T10:00:00.000Z", level: "info", message: "one" });
    store.appendLog({
      runId: "r2",
      moduleId: "m0",
      at: "2025-01-01T10:00:00.000Z",
      level: "warn",
      message: "other",
    });
    store.appendLog({
      runId: "r1",
      moduleId: "m1",
      at: "2025-01-01T10:00:01.000Z",
      level: "error",
      message: "two",
    });
    const log = store.runLog("r1");
    expect(log).toStrictEqual([
      { seq: 1, runId: "r1", at: "2025-01-01T10:00:00.000Z", level: "info", message: "one" },
      { seq: 3, runId: "r1", moduleId: "m1", at: "2025-01-01T10:00:01.000Z", level: "error", message: "two" },
    ]);
    expect(store.runLog("r1", 1).map((e) => e.message)).toEqual(["two"]);
    expect(store.runLog("r1", 3)).toEqual([]);
  });
});
