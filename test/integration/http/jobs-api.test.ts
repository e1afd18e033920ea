import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

describe("jobs and settings over HTTP", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
    // The workspace folder is not made by the runtime yet, and a command's cwd must exist in it.
    mkdirSync(join(server.dataDir, "workspace"), { recursive: true });
  });
  afterAll(() => server?.stop());

  async function startJob(doc: ReturnType<ReturnType<typeof workflow>["build"]>, body = {}) {
    const { runId } = (await api.post("/api/runs", { workflow: doc, ...body })).body;
    const job = await waitUntil(
      async () => (await api.get(`/api/jobs?runId=${runId}`)).body.jobs[0],
      "the job to appear",
    );
    return { runId, job };
  }

  it("lists a running command job, reads its stdout, pauses it and cancels it", async () => {
    const doc = workflow("cmd").module("c", "jobs.Command", { command: "echo first line; sleep 60" }).build();
    const { runId, job } = await startJob(doc);
    expect(job).toMatchObject({
      runId,
      moduleId: "c",
      type: "jobs.Command",
      paused: false,
      intervalMs: null,
    });
    expect(job.letter).toMatch(/^(q|r)$/);

    const log = await waitUntil(async () => {
      const { body } = await api.get(`/api/jobs/${job.id}/log?stream=stdout&offset=0`);
      return body.text.includes("first line") ? body : undefined;
    }, "the first line on stdout");
    const rest = await api.get(`/api/jobs/${job.id}/log?stream=stdout&offset=${log.nextOffset}`);
    expect(rest.body).toEqual({ text: "", nextOffset: log.nextOffset });

    expect((await api.post(`/api/jobs/${job.id}/pause`)).body.paused).toBe(true);
    expect((await api.get(`/api/jobs/${job.id}`)).body.paused).toBe(true);
    expect((await api.post(`/api/jobs/${job.id}/resume`)).body.paused).toBe(false);
    expect((await api.put(`/api/jobs/${job.id}/interval`, { intervalMs: 250 })).body.intervalMs).toBe(250);
    expect((await api.post(`/api/jobs/${job.id}/check`)).body.state).toBe("running");

    const busy = await api.delete(`/api/runs/${runId}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("run_active");

    const cancelled = await api.post(`/api/jobs/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.state).toBe("cancelled");
    expect((await api.post(`/api/jobs/${job.id}/cancel`)).body.message).toMatch(/already cancelled/);
    await api.finishedRun(runId);
    expect((await api.delete(`/api/runs/${runId}`)).status).toBe(204);
    expect((await api.get(`/api/jobs/${job.id}`)).status).toBe(404);
  });

  it("filters jobs by state", async () => {
    const { runId, job } = await startJob(workflow("t").module("t", "jobs.Timer", { seconds: 120 }).build());
    const active = (await api.get("/api/jobs?state=queued,running")).body.jobs;
    expect(active.map((j: { id: string }) => j.id)).toContain(job.id);
    const finished = (await api.get("/api/jobs?state=completed")).body.jobs;
    expect(finished.map((j: { id: string }) => j.id)).not.toContain(job.id);
    const bad = await api.get("/api/jobs?state=sleeping");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_query", field: "state.0" });
    await api.post(`/api/runs/${runId}/cancel`);
  });

  it("pauses and resumes checking all jobs of a run, and checks them all now", async () => {
    const { runId, job } = await startJob(workflow("t2").module("t", "jobs.Timer", { seconds: 120 }).build());
    expect((await api.post(`/api/runs/${runId}/pause-all`)).body).toEqual({ paused: 1 });
    expect((await api.get(`/api/jobs/${job.id}`)).body.paused).toBe(true);
    expect((await api.post(`/api/runs/${runId}/resume-checks`)).body).toEqual({ resumed: 1 });
    expect((await api.get(`/api/jobs/${job.id}`)).body.paused).toBe(false);
    expect((await api.post(`/api/runs/${runId}/check-all`)).body).toEqual({ checked: 1 });
    expect((await api.get(`/api/jobs/${job.id}`)).body.lastCheckedAt).toEqual(expect.any(String));
    await api.post(`/api/runs/${runId}/cancel`);
  });

  it("deletes a job, cancelling it first", async () => {
    const { runId, job } = await startJob(workflow("t3").module("t", "jobs.Timer", { seconds: 120 }).build());
    expect((await api.delete(`/api/jobs/${job.id}`)).status).toBe(204);
    expect((await api.get(`/api/jobs/${job.id}`)).status).toBe(404);
    await api.post(`/api/runs/${runId}/cancel`);
  });

  it("keeps settings and starts runs with the default auto-resume, which a person then resumes", async () => {
    const initial = await api.get("/api/settings");
    expect(initial.body).toEqual({ checkInterval: "module-default", autoResume: true });
    const changed = await api.put("/api/settings", { checkInterval: 200, autoResume: false });
    expect(changed.body).toEqual({ checkInterval: 200, autoResume: false });
    expect((await api.put("/api/settings", { checkInterval: "sometimes" })).status).toBe(400);

    const { runId, job } = await startJob(
      workflow("wait").module("t", "jobs.Timer", { seconds: 0.2 }).build(),
    );
    await waitUntil(
      async () => (await api.get(`/api/jobs/${job.id}`)).body.state === "completed",
      "the timer job to complete",
    );
    expect((await api.get(`/api/runs/${runId}`)).body.status).toBe("suspended");
    expect((await api.post(`/api/runs/${runId}/resume`)).body).toEqual({ resumedJobs: 1 });
    expect((await api.finishedRun(runId)).status).toBe("completed");

    await api.put("/api/settings", { checkInterval: "module-default", autoResume: true });
  });
});
