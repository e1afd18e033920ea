import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

describe("saved and example workflows", () => {
  let server: ServerProcess;
  let api: ApiClient;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
  });
  afterAll(() => server?.stop());

  it("lists the examples as read-only, with their descriptions, and not the JSON Schema", async () => {
    const { status, body } = await api.get("/api/workflows");
    expect(status).toBe(200);
    const arithmetic = body.workflows.find((w: { name: string }) => w.name === "arithmetic");
    expect(arithmetic).toMatchObject({ readOnly: true, description: expect.any(String) });
    expect(body.workflows.map((w: { name: string }) => w.name)).not.toContain("schema");
  });

  it("checks a document as a run would, without running it: its problems, or none", async () => {
    const good = workflow("ok").module("a", "basic.Constant", { value: 7 }).build();
    expect(await api.post("/api/workflows/check", { workflow: good })).toMatchObject({
      status: 200,
      body: { problems: [] },
    });
    const typo = workflow("typo").module("t", "jobs.Timer", { secnds: 60 }).build();
    const { status, body } = await api.post("/api/workflows/check", { workflow: typo });
    expect(status).toBe(200);
    expect(body.problems).toEqual([
      expect.objectContaining({ code: "invalid_param", moduleId: "t", field: "params.secnds" }),
    ]);
    expect((await api.get("/api/runs")).body.runs).toEqual([]);
  });

  it("saves, reads, replaces and deletes a workflow", async () => {
    const doc = workflow("mine").module("a", "basic.Constant", { value: 7 }).build();
    const created = await api.put("/api/workflows/my-flow.v1", doc);
    expect(created.status).toBe(201);
    expect(existsSync(join(server.dataDir, "workflows", "my-flow.v1.json"))).toBe(true);

    const read = await api.get("/api/workflows/my-flow.v1");
    expect(read.body).toEqual({ name: "my-flow.v1", readOnly: false, workflow: doc });
    const listed = (await api.get("/api/workflows")).body.workflows;
    expect(listed).toContainEqual({ name: "my-flow.v1", readOnly: false });

    const replaced = await api.put("/api/workflows/my-flow.v1", { ...doc, description: "second" });
    expect(replaced.status).toBe(200);
    expect((await api.get("/api/workflows/my-flow.v1")).body.workflow.description).toBe("second");

    expect((await api.delete("/api/workflows/my-flow.v1")).status).toBe(204);
    expect((await api.get("/api/workflows/my-flow.v1")).status).toBe(404);
    expect((await api.delete("/api/workflows/my-flow.v1")).status).toBe(404);
  });

  it("runs a saved workflow by name", async () => {
    const doc = workflow("saved-run").module("a", "basic.Constant", { value: "hi" }).build();
    await api.put("/api/workflows/saved-run", doc);
    const { body } = await api.post("/api/runs", { name: "saved-run" });
    const run = await api.finishedRun(body.runId);
    expect(run.modules.a.outputs).toEqual({ value: "hi" });
  });

  it("refuses to write or delete an example with 403 read_only", async () => {
    const doc = workflow("arithmetic").module("a", "basic.Constant").build();
    const put = await api.put("/api/workflows/arithmetic", doc);
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe("read_only");
    expect((await api.delete("/api/workflows/arithmetic")).status).toBe(403);
    expect((await api.get("/api/workflows/arithmetic")).body.workflow.modules.length).toBeGreaterThan(1);
  });

  it("refuses names that could leave the workflows folder", async () => {
    const doc = workflow("evil").module("a", "basic.Constant").build();
    for (const name of ["..%2F..%2Fevil", "..%2Fevil", ".hidden", "a%00b", "x".repeat(101)]) {
      const put = await api.put(`/api/workflows/${name}`, doc);
      expect({ name, status: put.status, code: put.body.error?.code }).toEqual({
        name,
        status: 400,
        code: "invalid_name",
      });
    }
    const get = await api.get("/api/workflows/..%2F..%2F..%2Fetc%2Fpasswd");
    expect(get.status).toBe(400);
    expect(existsSync(join(server.dataDir, "evil.json"))).toBe(false);
  });

  it("saves one name from many clients at the same moment without a 5xx: one creates it, one wins whole", async () => {
    const versions = Array.from({ length: 40 }, (_, i) =>
      workflow("race").module("a", "basic.Constant", { value: i }).build(),
    );
    const answers = await Promise.all(versions.map((doc) => api.put("/api/workflows/race", doc)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(39);
    const saved = (await api.get("/api/workflows/race")).body.workflow;
    expect(versions).toContainEqual(saved);
    expect(readdirSync(join(server.dataDir, "workflows")).filter((f) => f.startsWith("race"))).toEqual([
      "race.json",
    ]);
  });

  it("checks a saved document against the schema, naming the field", async () => {
    const { status, body } = await api.put("/api/workflows/broken", { name: "broken", modules: [] });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "invalid_body", field: "version" });
  });
});
