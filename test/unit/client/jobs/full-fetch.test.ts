import { describe, expect, it } from "vitest";
import { FullFetch, type FullFetchAnswer } from "../../../../client/jobs/full-fetch.js";
import { MonitorModel } from "../../../../client/jobs/monitor-model.js";
import type { Settings as MonitorSettings } from "../../../../server/schema/api.js";
import { waitUntil } from "../../../helpers/wait-until.js";
import { job } from "./job-fixtures.js";

const settings = (autoResume: boolean) => ({ autoResume }) as unknown as MonitorSettings;

/** A load whose answers the test gives one by one. */
function heldLoads() {
  const pending: { resolve(answer: FullFetchAnswer): void; reject(error: Error): void }[] = [];
  const load = () => new Promise<FullFetchAnswer>((resolve, reject) => pending.push({ resolve, reject }));
  return { pending, load };
}

describe("the Job Monitor's full fetch", () => {
  it("retries a failed fetch while connected, and the model takes the answer that comes", async () => {
    const model = new MonitorModel();
    model.apply({ type: "snapshot", runs: [], jobs: [job("stale", "r")] });
    const loads = heldLoads();
    const loaded: FullFetchAnswer[] = [];
    const fetch = new FullFetch({
      model,
      load: loads.load,
      onLoaded: (answer) => loaded.push(answer),
      retryDelayMs: () => 0,
    });
    fetch.connected();
    loads.pending[0]?.reject(new Error("502"));
    const retry = await waitUntil(() => loads.pending[1], "the retry");
    // Between the failure and the retry, events change the model as usual.
    model.apply({ type: "job", job: job("a", "r", { state: "completed" }) });
    retry.resolve({ jobs: [job("b", "r")], runs: [], settings: settings(true) });
    await waitUntil(() => loaded.length === 1, "the answer taken");
    expect([...model.jobs.keys()].sort()).toEqual(["a", "b"]);
    fetch.disconnected();
  });

  it("stops retrying once disconnected", async () => {
    const model = new MonitorModel();
    const loads = heldLoads();
    const retries: number[] = [];
    const fetch = new FullFetch({
      model,
      load: loads.load,
      onLoaded: () => {},
      retryDelayMs: (attempt) => retries.push(attempt),
    });
    fetch.connected();
    fetch.disconnected();
    loads.pending[0]?.reject(new Error("gone"));
    // The failure is handled within the microtasks that follow; no retry is scheduled for it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(retries).toEqual([]);
  });

  it("keeps settings told by an event since the fetch began over the fetched ones", async () => {
    const model = new MonitorModel();
    const loads = heldLoads();
    const taken: (MonitorSettings | undefined)[] = [];
    const fetch = new FullFetch({ model, load: loads.load, onLoaded: (_a, s) => taken.push(s) });
    fetch.connected();
    fetch.settingsArrived();
    loads.pending[0]?.resolve({ jobs: [], runs: [], settings: settings(false) });
    await waitUntil(() => taken.length === 1, "the first answer");
    fetch.connected();
    loads.pending[1]?.resolve({ jobs: [], runs: [], settings: settings(true) });
    await waitUntil(() => taken.length === 2, "the second answer");
    expect(taken).toEqual([undefined, settings(true)]);
  });
});
