import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient, type Json, openEvents } from "./api-client.js";

describe("the /api/events WebSocket", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
  });
  afterAll(() => server?.stop());

  it("sends a snapshot first, then the run and module events of a run", async () => {
    const events = await openEvents(server.url, { token: server.token });
    const snapshot = await events.next((m) => m.type === "snapshot", "the snapshot");
    expect(events.messages[0]).toBe(snapshot);
    expect(snapshot).toMatchObject({ runs: expect.any(Array), jobs: expect.any(Array) });

    const doc = workflow("live")
      .module("a", "basic.Constant", { value: 20 })
      .module("b", "basic.Constant", { value: 22 })
      .module("s", "basic.Add")
      .connect("a.value", "s.a")
      .connect("b.value", "s.b")
      .build();
    const { runId } = (await api.post("/api/runs", { workflow: doc })).body;

    await events.next((m) => m.type === "run" && m.runId === runId && m.status === "completed", "completed");
    const done = await events.next(
      (m) => m.type === "module" && m.runId === runId && m.moduleId === "s" && m.status === "done",
      "module s done",
    );
    expect(done.outputs).toEqual({ sum: 42 });
    const runningAt = events.messages.findIndex((m) => m.type === "module" && m.moduleId === "s");
    const completedAt = events.messages.findIndex((m) => m.type === "run" && m.status === "completed");
    expect(runningAt).toBeLessThan(completedAt);
    await events.close();
  });

  it("tells every open client when the settings change, so other tabs show the new values", async () => {
    const otherTab = await openEvents(server.url, { token: server.token });
    await otherTab.next((m) => m.type === "snapshot", "the snapshot");
    expect((await api.put("/api/settings", { checkInterval: 10_000, autoResume: false })).status).toBe(200);
    const changed = await otherTab.next((m) => m.type === "settings", "the settings event");
    expect(changed.settings).toEqual({ checkInterval: 10_000, autoResume: false });
    await api.put("/api/settings", { checkInterval: "module-default", autoResume: true });
    await otherTab.close();
  });

  it("gives a client that reconnects the current state of a run in progress", async () => {
    const doc = workflow("long").module("t", "jobs.Timer", { seconds: 120 }).build();
    const first = await openEvents(server.url, { token: server.token });
    const { runId } = (await api.post("/api/runs", { workflow: doc })).body;
    await first.next(
      (m) => m.type === "module" && m.runId === runId && m.moduleId === "t" && m.status === "suspended",
      "the timer to suspend",
    );
    await first.close();

    const again = await openEvents(server.url, { token: server.token });
    const snapshot = await again.next((m) => m.type === "snapshot", "the snapshot");
    const run = snapshot.runs.find((r: { id: string }) => r.id === runId);
    expect(run).toMatchObject({ status: "suspended", workflowName: "long" });
    expect(run.modules.t.status).toBe("suspended");
    const job = snapshot.jobs.find((j: { runId: string }) => j.runId === runId);
    expect(job).toMatchObject({ moduleId: "t", type: "jobs.Timer", state: "running", letter: "r" });
    expect(job).not.toHaveProperty("params");

    await api.post(`/api/runs/${runId}/cancel`);
    await again.next((m) => m.type === "run" && m.runId === runId && m.status === "cancelled", "cancelled");
    await again.next(
      (m) => m.type === "job" && m.job.runId === runId && m.job.state === "cancelled",
      "the job event of the cancel",
    );
    await again.close();
  });

  it("sends a client that asks for batches (?batch=1) the snapshot, then events in order in batches", async () => {
    const events = await openEvents(server.url, { token: server.token, batch: true });
    await events.next((m) => m.type === "snapshot", "the snapshot");
    const doc = workflow("batched").module("a", "basic.Constant", { value: 1 }).build();
    const { runId } = (await api.post("/api/runs", { workflow: doc })).body;
    await events.next(
      (m) =>
        m.type === "batch" &&
        m.messages.some((e: Json) => e.type === "run" && e.runId === runId && e.status === "completed"),
      "a batch with the run completed",
    );
    expect(events.messages[0].type).toBe("snapshot");
    expect(events.messages.slice(1).every((m) => m.type === "batch" && m.messages.length > 0)).toBe(true);
    const unpacked = events.messages.slice(1).flatMap((m) => m.messages);
    const moduleAt = unpacked.findIndex(
      (e: Json) => e.type === "module" && e.runId === runId && e.status === "done",
    );
    const completedAt = unpacked.findIndex(
      (e: Json) => e.type === "run" && e.runId === runId && e.status === "completed",
    );
    expect(moduleAt).toBeGreaterThanOrEqual(0);
    expect(moduleAt).toBeLessThan(completedAt);
    await events.close();
  });
});
