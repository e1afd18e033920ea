import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./api-client.js";

const doc = workflow("once").module("a", "basic.Constant", { value: 1 }).build();

describe("POST /api/runs with an Idempotency-Key", () => {
  let dataDir: string;
  let server: ServerProcess;
  let api: ApiClient;

  const start = (key: string, body: unknown = { workflow: doc }) =>
    api.request("POST", "/api/runs", { json: body, headers: { "idempotency-key": key } });
  const runCount = async () => (await api.get("/api/runs")).body.runs.length as number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "labflow-idempotent-"));
    server = await startServerProcess({ dataDir });
    api = apiClient(server.url, { token: server.token });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts one run for a key sent twice and answers the second with the same run", async () => {
    const before = await runCount();
    const first = await start("key-twice");
    const second = await start("key-twice");
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.runId).toBe(first.body.runId);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await runCount()).toBe(before + 1);
  });

  it("starts one run for many requests with one key in flight together", async () => {
    const before = await runCount();
    const answers = await Promise.all(Array.from({ length: 12 }, () => start("key-burst")));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(new Set(answers.map((a) => a.body.runId)).size).toBe(1);
    expect(await runCount()).toBe(before + 1);
  });

  it("refuses the key with another body with 422", async () => {
    await start("key-reused");
    const other = workflow("other").module("b", "basic.Constant", { value: 2 }).build();
    const { status, body } = await start("key-reused", { workflow: other });
    expect(status).toBe(422);
    expect(body.error.code).toBe("idempotency_key_reused");
  });

  it("refuses a malformed key with 400 naming the header", async () => {
    const { status, body } = await start("x".repeat(300));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: "invalid_idempotency_key", field: "idempotency-key" });
  });

  it("starts a new run for each request without a key", async () => {
    const a = await api.post("/api/runs", { workflow: doc });
    const b = await api.post("/api/runs", { workflow: doc });
    expect(a.body.runId).not.toBe(b.body.runId);
  });

  it("remembers the key across a restart of the server", async () => {
    const first = await start("key-restart");
    await server.stop();
    server = await startServerProcess({ dataDir });
    api = apiClient(server.url, { token: server.token });
    const again = await start("key-restart");
    expect(again.status).toBe(201);
    expect(again.body.runId).toBe(first.body.runId);
  });
});
