import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

describe("bad requests", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
  });
  afterAll(() => server?.stop());

  it("answers malformed JSON with 400 invalid_json", async () => {
    const { status, body } = await api.request("POST", "/api/runs", { raw: '{"workflow": {' });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_json");
  });

  it("names an unknown field of the body", async () => {
    const doc = workflow().module("a", "basic.Constant").build();
    const { status, body } = await api.post("/api/runs", { workflow: doc, speed: "fast" });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: "invalid_body", message: "speed: unknown field", field: "speed" });
  });

  it("names a field of the wrong type", async () => {
    const doc = workflow().module("a", "basic.Constant").build();
    const { status, body } = await api.post("/api/runs", { workflow: doc, autoResume: "yes" });
    expect(status).toBe(400);
    expect(body.error.field).toBe("autoResume");
    expect(body.error.message).toMatch(/^autoResume: /);
  });

  it("asks for a workflow or a name when the body has neither", async () => {
    const { status, body } = await api.post("/api/runs", {});
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_body");
    expect(body.error.message).toMatch(/workflow.*name/);
  });

  it("asks for JSON when the body is not JSON", async () => {
    const { status, body } = await api.request("POST", "/api/runs", {
      raw: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(/JSON/);
  });

  it("refuses an unknown module type with problems naming the module id", async () => {
    const doc = workflow().module("a", "basic.Constant").module("mystery", "basic.NoSuchThing").build();
    const { status, body } = await api.post("/api/runs", { workflow: doc });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_workflow");
    expect(body.problems).toContainEqual(expect.objectContaining({ moduleId: "mystery" }));
  });

  it("refuses a misspelt param instead of running the default, with the code labflow validate gives", async () => {
    const doc = workflow().module("wait", "jobs.Timer", { secnds: 60 }).build();
    const { status, body } = await api.post("/api/runs", { workflow: doc });
    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_workflow");
    expect(body.problems).toEqual([
      expect.objectContaining({
        code: "invalid_param",
        moduleId: "wait",
        field: "params.secnds",
        message: expect.stringContaining('jobs.Timer has no param "secnds"'),
      }),
    ]);
  });

  it("refuses a cycle, naming a module on it", async () => {
    const doc = workflow()
      .module("one", "basic.Constant", { value: 1 })
      .module("x", "basic.Add")
      .module("y", "basic.Add")
      .connect("one.value", "x.a")
      .connect("y.sum", "x.b")
      .connect("one.value", "y.a")
      .connect("x.sum", "y.b")
      .build();
    const { status, body } = await api.post("/api/runs", { workflow: doc });
    expect(status).toBe(400);
    const cycle = body.problems.find((p: { code: string }) => p.code === "cycle");
    expect(["x", "y"]).toContain(cycle?.moduleId);
  });

  it("answers unknown runs, jobs, workflows and routes with 404", async () => {
    const cases: [string, string, string][] = [
      ["GET", "/api/runs/run-nope", "run_not_found"],
      ["POST", "/api/runs/run-nope/cancel", "run_not_found"],
      ["POST", "/api/runs/run-nope/check-all", "run_not_found"],
      ["DELETE", "/api/runs/run-nope", "run_not_found"],
      ["GET", "/api/jobs/job-nope", "job_not_found"],
      ["POST", "/api/jobs/job-nope/pause", "job_not_found"],
      ["GET", "/api/workflows/nope", "workflow_not_found"],
      ["POST", "/api/runs", "workflow_not_found"],
      ["GET", "/api/no-such-route", "not_found"],
    ];
    for (const [method, path, code] of cases) {
      const json = method === "POST" && path === "/api/runs" ? { name: "nope" } : undefined;
      const { status, body } = await api.request(method, path, json ? { json } : {});
      expect({ method, path, status, code: body.error?.code }).toEqual({ method, path, status: 404, code });
    }
  });

  it("refuses a body larger than the limit with 413", async () => {
    const big = JSON.stringify({ workflow: { version: 1, name: "big", modules: [], blob: "x".repeat(6e6) } });
    const { status, body } = await api.request("POST", "/api/runs", { raw: big });
    expect(status).toBe(413);
    expect(body.error.code).toBe("body_too_large");
  });

  it("validates a job interval before anything else", async () => {
    const { status, body } = await api.put("/api/jobs/job-nope/interval", { intervalMs: 5 });
    expect(status).toBe(400);
    expect(body.error.field).toBe("intervalMs");
  });

  it("keeps serving after all of the above", async () => {
    expect((await api.get("/api/health")).status).toBe(200);
  });
});
