import { describe, expect, it } from "vitest";
import type { ModuleRunRecord } from "../../../server/engine/records.js";
import { aRun, modulesOf, signatureOf, storeOnDisk } from "./store-test-records.js";

describe("SqliteStore: the modules of a run and the cache", () => {
  it("records every module of a new run, in the run's order", () => {
    const { store } = storeOnDisk();
    const modules = modulesOf("r1", 12).reverse();
    store.createRun(aRun("r1"), modules);
    expect(store.modules("r1")).toStrictEqual(modules);
  });

  it("refuses modules that belong to another run, writing nothing", () => {
    const { store } = storeOnDisk();
    expect(() => store.createRun(aRun("r1"), modulesOf("r2"))).toThrow(
      /run_modules \(run "r1", module "m0"\): the module belongs to run "r2"/,
    );
    expect(store.getRun("r1")).toBeUndefined();
  });

  it("patches status, error and times; an optional field given as undefined is cleared", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1"));
    const error = {
      code: "module_failed",
      message: "division by zero",
      port: "b",
      stack: "Error: ...\n  at x",
    };
    store.updateModule("r1", "m0", { status: "running", startedAt: "2025-01-01T10:00:01.000Z" });
    store.updateModule("r1", "m0", { status: "failed", error, finishedAt: "2025-01-01T10:00:02.000Z" });
    const [m0, m1] = store.modules("r1");
    expect(m0).toStrictEqual({
      ...modulesOf("r1")[0],
      status: "failed",
      error,
      startedAt: "2025-01-01T10:00:01.000Z",
      finishedAt: "2025-01-01T10:00:02.000Z",
    });
    expect(m1).toStrictEqual(modulesOf("r1")[1]);
    store.updateModule("r1", "m0", { status: "pending", error: undefined, finishedAt: undefined });
    expect(store.modules("r1")[0]).toStrictEqual({
      ...modulesOf("r1")[0],
      startedAt: "2025-01-01T10:00:01.000Z",
    });
  });

  it("gives done and cached modules the cached outputs of their signature, and no others", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1", 4));
    for (const id of ["m0", "m1", "m2", "m3"])
      store.cacheOutputs(signatureOf("r1", id), "test.Step", { y: id });
    store.updateModule("r1", "m0", { status: "done" });
    store.updateModule("r1", "m1", { status: "cached" });
    store.updateModule("r1", "m2", { status: "failed", error: { code: "x", message: "x" } });
    const outputs = store.modules("r1").map((m) => m.outputs);
    expect(outputs).toEqual([{ y: "m0" }, { y: "m1" }, undefined, undefined]);
    expect("outputs" in (store.modules("r1")[3] as ModuleRunRecord)).toBe(false);
  });

  it("caches outputs given to updateModule under the module's signature", () => {
    const { store } = storeOnDisk();
    store.createRun(aRun("r1"), modulesOf("r1"));
    store.updateModule("r1", "m1", { status: "done", outputs: { y: [1, { z: true }] } });
    expect(store.modules("r1")[1]?.outputs).toEqual({ y: [1, { z: true }] });
    expect(store.cachedOutputs([signatureOf("r1", "m1")])).toEqual(
      new Map([[signatureOf("r1", "m1"), { y: [1, { z: true }] }]]),
    );
  });

  it("caches outputs given to createRun under each module's signature", () => {
    const { store } = storeOnDisk();
    const [done, pending] = modulesOf("r1") as [ModuleRunRecord, ModuleRunRecord];
    store.createRun(aRun("r1"), [{ ...done, status: "done", outputs: { y: 1 } }, pending]);
    expect(store.modules("r1")).toStrictEqual([{ ...done, status: "done", outputs: { y: 1 } }, pending]);
  });

  it("keeps the newest outputs of a signature", () => {
    const { store } = storeOnDisk();
    store.cacheOutputs("s", "test.Step", { y: 1 });
    store.cacheOutputs("s", "test.Step", { y: 2 });
    expect(store.cachedOutputs(["s"]).get("s")).toEqual({ y: 2 });
  });

  it("finds the cached outputs among 10,010 signatures, across full and short lookup chunks", () => {
    const { store } = storeOnDisk();
    const signatures = Array.from({ length: 10_010 }, (_, i) => `sig-${i}`);
    signatures.forEach((signature, i) => {
      if (i % 3 === 0) store.cacheOutputs(signature, "test.Step", { i });
    });
    const found = store.cachedOutputs(signatures);
    expect(found.size).toBe(3337);
    expect(found.get("sig-10008")).toEqual({ i: 10008 });
    expect(found.get("sig-10009")).toBeUndefined();
    expect(store.cachedOutputs(["sig-3", "sig-4"])).toEqual(new Map([["sig-3", { i: 3 }]]));
    expect(store.cachedOutputs([])).toEqual(new Map());
  });
});
