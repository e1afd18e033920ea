import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";
import { type ApiClient, apiClient } from "./http/api-client.js";

const SECRET = "do-not-leak-7f3a9c";

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): { path: string; mode: number; isDir: boolean }[] {
  const stat = lstatSync(dir);
  const out = [{ path: dir, mode: stat.mode & 0o777, isDir: stat.isDirectory() }];
  if (stat.isDirectory()) for (const name of readdirSync(dir)) out.push(...modes(join(dir, name)));
  return out.filter((entry) => !lstatSync(entry.path).isSymbolicLink());
}

/** Runs a command as user `nobody` (another local user): its exit code and output. */
function asNobody(command: string[]): { status: number | null; output: string } {
  const result = spawnSync("runuser", ["-u", "nobody", "--", ...command], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("a server's data folder and jobs, seen by other users and by the jobs", () => {
  let parent: string;
  let server: ServerProcess;
  let api: ApiClient;
  let jobStdout: string;

  beforeAll(async () => {
    // A parent others may enter, as a home folder or /srv often is: the data folder must close itself.
    parent = mkdtempSync(join(tmpdir(), "labflow-private-"));
    chmodSync(parent, 0o755);
    server = await startServerProcess({
      dataDir: join(parent, "data"),
      env: { LABFLOW_TEST_SECRET: SECRET, AWS_SECRET_ACCESS_KEY: SECRET, LC_NUMERIC: "C" },
    });
    api = apiClient(server.url, { token: server.token });
    const doc = workflow("env")
      .module("show", "jobs.Command", { command: "env", env: { GIVEN_BY_MODULE: "yes" } })
      .build();
    const { body } = await api.post("/api/runs", { workflow: doc });
    const run = await api.finishedRun(body.runId);
    expect(run.status).toBe("completed");
    const { body: jobs } = await api.get(`/api/jobs?runId=${body.runId}`);
    const jobId = jobs.jobs[0].id;
    jobStdout = await waitUntil(
      async () => (await api.get(`/api/jobs/${jobId}/log?stream=stdout&offset=0`)).body.text,
      "the job's stdout",
    );
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it("makes the data folder 0700 and every file in it (database, lock, token, job files, logs) 0600", () => {
    const entries = modes(server.dataDir);
    expect(entries[0]?.mode).toBe(0o700);
    const names = entries.map((e) => e.path.slice(server.dataDir.length));
    for (const wanted of ["/owner.lock", "/owner.json", "/server-token", "/stdout", "/exit", "/pid"])
      expect(
        names.some((name) => name.endsWith(wanted)),
        wanted,
      ).toBe(true);
    expect(names.some((name) => name.endsWith(".db") || name.endsWith(".sqlite"))).toBe(true);
    const open = entries.filter((e) => (e.mode & 0o077) !== 0).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(open).toEqual([]);
  });

  it("does not let another local user read the data folder", () => {
    const listing = asNobody(["ls", server.dataDir]);
    expect(listing.status).not.toBe(0);
    expect(listing.output).toMatch(/Permission denied/);
    const token = asNobody(["cat", join(server.dataDir, "server-token")]);
    expect(token.status).not.toBe(0);
  });

  it("does not let another local user call the API without the token", () => {
    const code = asNobody(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", `${server.url}/api/runs`]);
    expect(code.output).toBe("401");
    const start = asNobody([
      "curl",
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-H",
      "content-type: application/json",
      "-d",
      JSON.stringify({ name: "arithmetic" }),
      `${server.url}/api/runs`,
    ]);
    expect(start.output).toBe("401");
  });

  it("gives a job none of the server's secrets, only the allowed variables and its module's env", () => {
    expect(jobStdout).not.toContain(SECRET);
    expect(jobStdout).not.toContain(server.token);
    expect(jobStdout).not.toMatch(/^LABFLOW_TOKEN=/m);
    expect(jobStdout).toMatch(/^PATH=/m);
    expect(jobStdout).toMatch(/^LC_NUMERIC=C$/m);
    expect(jobStdout).toMatch(/^GIVEN_BY_MODULE=yes$/m);
    expect(jobStdout).toMatch(/^LABFLOW_JOB_ID=/m);
  });

  it("still lets the server's own user run the CLI through the server", () => {
    const out = execFileSync(
      process.execPath,
      [join("bin", "labflow.js"), "status", "--data", server.dataDir],
      {
        encoding: "utf8",
        env: { ...process.env, LABFLOW_TOKEN: "" },
      },
    );
    expect(out).toMatch(/env/);
  });
});
