import { linkSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../../helpers/server-process.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";
import { type ApiClient, apiClient, type Json } from "./api-client.js";

describe("the files of runs and jobs over HTTP", () => {
  let server: ServerProcess;
  let api: ApiClient;
  let runId: string;
  let job: Json;
  let jobDir: string;
  let stdoutPath: string;
  const outside = mkdtempSync(join(tmpdir(), "labflow-outside-"));

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.url, { token: server.token });
    mkdirSync(join(server.dataDir, "workspace"), { recursive: true });
    const doc = workflow("files")
      .module("c", "jobs.Command", { command: "printf 'hello\\nworld\\n'; echo oops >&2" })
      .module("t", "basic.Constant", { value: "a note" })
      .module("l", "basic.Log", { label: "note" })
      .connect("t.value", "l.value")
      .build();
    runId = (await api.post("/api/runs", { workflow: doc })).body.runId;
    const run = await api.finishedRun(runId);
    expect(run.status).toBe("completed");
    stdoutPath = run.modules.c.outputs.stdout;
    job = (await api.get(`/api/jobs?runId=${runId}`)).body.jobs[0];
    jobDir = join(server.dataDir, "runs", runId, "jobs", job.id);
    writeFileSync(join(outside, "secret.txt"), "not yours\n");
    writeFileSync(join(outside, "other.txt"), "not yours either\n");
  });
  afterAll(() => server?.stop());

  const runFile = (path: string) => api.get(`/api/runs/${runId}/files?path=${encodeURIComponent(path)}`);
  const jobFile = (path: string) => api.get(`/api/jobs/${job.id}/files?path=${encodeURIComponent(path)}`);

  it("streams a job's file as an attachment with its content type and length", async () => {
    const answer = await jobFile("stdout");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("hello\nworld\n");
    expect(answer.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(answer.headers.get("content-disposition")).toBe("attachment; filename=stdout");
    expect(answer.headers.get("content-length")).toBe("12");
  });

  it("serves a run's file by the absolute path a file output holds", async () => {
    const answer = await runFile(stdoutPath);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(readFileSync(stdoutPath, "utf8"));
  });

  it("serves the run's workflow.json as JSON, by a path relative to the run's folder", async () => {
    const answer = await runFile("workflow.json");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.body.name).toBe("files");
  });

  it("serves a cached output through the later run, but no other file of the earlier run", async () => {
    const doc = (await api.get(`/api/runs/${runId}`)).body.workflow;
    const later = (await api.post("/api/runs", { workflow: doc })).body.runId;
    const run = await api.finishedRun(later);
    expect(run.modules.c.status).toBe("cached");
    expect(run.modules.c.outputs.stdout).toBe(stdoutPath);
    const cached = await api.get(`/api/runs/${later}/files?path=${encodeURIComponent(stdoutPath)}`);
    expect([cached.status, cached.body]).toEqual([200, "hello\nworld\n"]);
    const earlierWorkflow = join(server.dataDir, "runs", runId, "workflow.json");
    const other = await api.get(`/api/runs/${later}/files?path=${encodeURIComponent(earlierWorkflow)}`);
    expect([other.status, other.body.error.code]).toEqual([403, "file_outside_folder"]);
  });

  it("serves each kind with its content type, unknown kinds as bytes", async () => {
    const kinds = {
      "plot.png": "image/png",
      "data.csv": "text/csv; charset=utf-8",
      "results.zip": "application/zip",
      "blob.bin": "application/octet-stream",
    };
    for (const [name, type] of Object.entries(kinds)) {
      writeFileSync(join(jobDir, name), "x");
      const answer = await jobFile(name);
      expect([answer.status, answer.headers.get("content-type")], name).toEqual([200, type]);
      expect(answer.headers.get("x-content-type-options"), name).toBe("nosniff");
    }
  });

  it("tells a file's name, size and content type without sending it", async () => {
    const answer = await api.get(`/api/jobs/${job.id}/file-info?path=stderr`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      name: "stderr",
      path: "stderr",
      size: 5,
      contentType: "text/plain; charset=utf-8",
    });
  });

  it("downloads a job's whole stdout through the log route", async () => {
    const answer = await api.get(`/api/jobs/${job.id}/log?stream=stdout&download=1`);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("hello\nworld\n");
    expect(answer.headers.get("content-disposition")).toBe(`attachment; filename=${job.id}-stdout.txt`);
  });

  it("refuses a path that climbs out of the folder", async () => {
    for (const path of [
      "../../workflow.json",
      "../../../../etc/passwd",
      "/etc/passwd",
      join(outside, "secret.txt"),
    ]) {
      const answer = await jobFile(path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.code, path).toBe("file_outside_folder");
    }
  });

  it("refuses a symbolic link, even to a file of the folder", async () => {
    symlinkSync(join(outside, "secret.txt"), join(jobDir, "link-out"));
    symlinkSync(join(jobDir, "stdout"), join(jobDir, "link-in"));
    for (const path of ["link-out", "link-in"]) {
      const answer = await jobFile(path);
      expect(answer.status, path).toBe(403);
      expect(answer.body.error.code, path).toBe("file_is_link");
    }
  });

  it("refuses a file with another hard link (it may be a file from elsewhere)", async () => {
    linkSync(join(outside, "secret.txt"), join(jobDir, "hard"));
    const answer = await jobFile("hard");
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe("file_is_link");
  });

  it("refuses a file reached through a linked folder", async () => {
    symlinkSync(outside, join(jobDir, "folder-out"));
    const answer = await jobFile("folder-out/other.txt");
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe("file_outside_folder");
  });

  it("answers 404 for a missing file, a folder, an unknown run or job", async () => {
    expect((await jobFile("nope.txt")).body.error.code).toBe("file_not_found");
    expect((await runFile("jobs")).body.error.code).toBe("file_not_found");
    expect((await runFile("jobs")).status).toBe(404);
    const noRun = await api.get("/api/runs/no-such-run/files?path=workflow.json");
    expect([noRun.status, noRun.body.error.code]).toEqual([404, "run_not_found"]);
    const noJob = await api.get("/api/jobs/no-such-job/files?path=stdout");
    expect([noJob.status, noJob.body.error.code]).toEqual([404, "job_not_found"]);
  });

  it("needs the path", async () => {
    const answer = await api.get(`/api/runs/${runId}/files`);
    expect([answer.status, answer.body.error.code]).toEqual([400, "invalid_query"]);
  });

  it("needs the token", async () => {
    const anonymous = apiClient(server.url);
    expect((await anonymous.get(`/api/jobs/${job.id}/files?path=stdout`)).status).toBe(401);
  });

  it("lists a job's plain files, leaving out links and folders", async () => {
    const { status, body } = await api.get(`/api/jobs/${job.id}/files`);
    expect(status).toBe(200);
    const names = body.files.map((f: Json) => f.name);
    expect(names).toEqual(expect.arrayContaining(["stdout", "stderr"]));
    for (const link of ["link-out", "link-in", "hard", "folder-out"]) expect(names).not.toContain(link);
    expect(body.files.find((f: Json) => f.name === "stdout")).toMatchObject({ size: 12, path: "stdout" });
  });

  it("lists the run's log: a Log module's entry", async () => {
    const { body } = await waitUntil(async () => {
      const answer = await api.get(`/api/runs/${runId}/log`);
      return answer.body.entries?.length ? answer : undefined;
    }, "the log entry");
    expect(body.entries).toContainEqual(
      expect.objectContaining({ moduleId: "l", level: "info", message: "note: a note" }),
    );
    const after = await api.get(`/api/runs/${runId}/log?afterSeq=${body.entries.at(-1).seq}`);
    expect(after.body.entries).toEqual([]);
  });
});
