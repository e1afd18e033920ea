import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

const sum = (a: number, b: number) =>
  workflow("sum")
    .module("a", "basic.Constant", { value: a })
    .module("b", "basic.Constant", { value: b })
    .module("s", "basic.Add")
    .connect("a.value", "s.a")
    .connect("b.value", "s.b")
    .build();

describe("catalog and runs over HTTP", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
  });
  afterAll(() => server?.stop());

  it("answers the health check with its pid", async () => {
    const { status, body } = await api.get("/api/health");
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, pid: server.pid });
  });

  it("lists the basic modules with their params as JSON Schema", async () => {
    const { status, body } = await api.get("/api/modules");
    expect(status).toBe(200);
    const constant = body.modules.find((m: { type: string }) => m.type === "basic.Constant");
    expect(constant).toMatchObject({ package: "basic", label: "Constant", isJob: false });
    expect(constant.params).toMatchObject({ type: "object", properties: { value: expect.any(Object) } });
    const add = body.modules.find((m: { type: string }) => m.type === "basic.Add");
    expect(Object.keys(add.inputs)).toEqual(["a", "b"]);
    expect(body.modules.find((m: { type: string }) => m.type === "jobs.Timer")?.isJob).toBe(true);
  });

  it("runs Constant -> Add to completed with the outputs of each module", async () => {
    const started = await api.post("/api/runs", { workflow: sum(2, 3) });
    expect(started.status).toBe(201);
    const { runId } = started.body;
    expect(started.headers.get("location")).toBe(`/api/runs/${runId}`);

    const run = await api.finishedRun(runId);
    expect(run).toMatchObject({ runId, status: "completed", workflow: { name: "sum" } });
    expect(run.modules.s).toMatchObject({ status: "done", outputs: { sum: 5 } });
    expect(run.modules.a).toMatchObject({ status: "done", outputs: { value: 2 } });
  });

  it("lists runs newest first", async () => {
    const first = (await api.post("/api/runs", { workflow: sum(1, 1) })).body.runId;
    const second = (await api.post("/api/runs", { workflow: sum(1, 2) })).body.runId;
    await api.finishedRun(second);
    const { body } = await api.get("/api/runs");
    const ids = body.runs.map((r: { id: string }) => r.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    expect(body.runs[0]).toMatchObject({ id: second, workflowName: "sum" });
  });

  it("runs an example workflow by name", async () => {
    const { status, body } = await api.post("/api/runs", { name: "arithmetic" });
    expect(status).toBe(201);
    const run = await api.finishedRun(body.runId);
    expect(run.status).toBe("completed");
    expect(run.modules.sum.outputs).toEqual({ sum: 5 });
  });

  it("deletes a finished run, which is then gone", async () => {
    const { runId } = (await api.post("/api/runs", { workflow: sum(4, 4) })).body;
    await api.finishedRun(runId);
    expect((await api.delete(`/api/runs/${runId}`)).status).toBe(204);
    const after = await api.get(`/api/runs/${runId}`);
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe("run_not_found");
  });

  it("answers cancel of a finished run with a message, not an error", async () => {
    const { runId } = (await api.post("/api/runs", { workflow: sum(0, 1) })).body;
    await api.finishedRun(runId);
    const { status, body } = await api.post(`/api/runs/${runId}/cancel`);
    expect(status).toBe(200);
    expect(body.message).toMatch(/already completed/);
  });

  it("refuses to resume a run that is not active with 409", async () => {
    const { runId } = (await api.post("/api/runs", { workflow: sum(0, 2) })).body;
    await api.finishedRun(runId);
    const { status, body } = await api.post(`/api/runs/${runId}/resume`);
    expect(status).toBe(409);
    expect(body.error.code).toBe("run_not_active");
  });
});
