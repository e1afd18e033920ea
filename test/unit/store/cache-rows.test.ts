import { describe, expect, it } from "vitest";
import { aRun, modulesOf, storeOnDisk } from "./store-test-records.js";

const sig = (i: number) => `sig-${i.toString(16).padStart(60, "0")}`;

describe("SqliteStore: the cache rows of one group commit, as multi-row upserts", () => {
  it("keeps every result of a group of 1,000 and more, each under its signature", () => {
    const { store, dataDir } = storeOnDisk();
    // 1,027 rows: upserts of 512, 256, 256 (at most), 2 and 1 rows.
    for (let i = 0; i < 1027; i++) store.cacheOutputs(sig(i), "test.Step", { y: i, text: `r${i}` });
    store.close();
    const reopened = storeOnDisk(dataDir).store;
    const found = reopened.cachedOutputs(Array.from({ length: 1028 }, (_, i) => sig(i)));
    expect(found.size).toBe(1027);
    for (let i = 0; i < 1027; i++) expect(found.get(sig(i))).toEqual({ y: i, text: `r${i}` });
    reopened.close();
  });

  it("ends a signature cached twice in one group with its last outputs, as single upserts did", () => {
    const { store } = storeOnDisk();
    store.cacheOutputs(sig(1), "test.Step", { y: 1 });
    store.cacheOutputs(sig(2), "test.Step", { y: 2 });
    store.cacheOutputs(sig(1), "test.Step", { y: 3 });
    expect(store.cachedOutputs([sig(1), sig(2)])).toEqual(
      new Map([
        [sig(1), { y: 3 }],
        [sig(2), { y: 2 }],
      ]),
    );
    store.close();
  });

  it("keeps the order of cache writes: a module's outputs written after a cached result replace it, and a later one replaces those", () => {
    const { store } = storeOnDisk();
    const [module] = modulesOf("r1", 1);
    if (!module) throw new Error("no module");
    store.createRun(aRun("r1"), [module]);
    store.cacheOutputs(module.signature, module.moduleType, { y: 1 });
    store.updateModule("r1", module.moduleId, { status: "done", outputs: { y: 2 } });
    expect(store.cachedOutputs([module.signature]).get(module.signature)).toEqual({ y: 2 });
    store.cacheOutputs(module.signature, module.moduleType, { y: 3 });
    store.updateModule("r1", module.moduleId, { status: "done", outputs: { y: 4 } });
    store.cacheOutputs(module.signature, module.moduleType, { y: 5 });
    expect(store.cachedOutputs([module.signature]).get(module.signature)).toEqual({ y: 5 });
    store.close();
  });

  it("rolls the cache rows of a failed group back with it", () => {
    const { store } = storeOnDisk();
    store.cacheOutputs(sig(1), "test.Step", { y: 1 });
    store.cacheOutputs(sig(2), "test.Step", { y: 2 });
    store.createRun(aRun("r1"), []);
    store.flush();
    store.cacheOutputs(sig(3), "test.Step", { y: 3 });
    // A run whose id is taken fails the group: the cache row queued with it is rolled back too.
    store.createRun(aRun("r1"), []);
    expect(() => store.flush()).toThrow(/cannot write runs \(run "r1"\)/);
    expect([...store.cachedOutputs([sig(1), sig(2), sig(3)]).keys()]).toEqual([sig(1), sig(2)]);
    store.close();
  });

  it("names the table and the first signature of a batch of cache rows that fails", () => {
    const { store } = storeOnDisk();
    store.cacheOutputs(sig(1), "test.Step", { y: 1 });
    // A module type is NOT NULL.
    store.cacheOutputs(sig(2), null as unknown as string, { y: 2 });
    expect(() => store.flush()).toThrow(/cannot write cache \(signature "sig-0+1" and 1 more\)/);
    expect(store.cachedOutputs([sig(1), sig(2)]).size).toBe(0);
    store.close();
  });
});
