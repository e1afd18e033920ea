/**
 * `labflow run` without a server is as crash-safe as `labflow serve`: the real CLI is SIGKILLed
 * while a jobs.Command runs, and the next `labflow run` of the same file (or `labflow resume RUN`)
 * finishes the original run, the command started exactly once; `labflow cancel RUN` stops it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessGroupAlive } from "../../modules/sdk/process-alive.js";
import { type LabflowProcess, labflow, startLabflow } from "../helpers/labflow-cli.js";
import { releasedCommandWorkflow } from "../helpers/released-command.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";

const commands: LabflowProcess[] = [];
afterEach(async () => {
  for (const command of commands.splice(0)) await command.kill("SIGKILL");
});

function start(args: string[]): LabflowProcess {
  const command = startLabflow(args);
  commands.push(command);
  return command;
}

const commandWorkflow = () => releasedCommandWorkflow("interrupted");

/** Starts `labflow run FILE` and SIGKILLs it once its command runs; the id of the run it started. */
async function runKilledWhileCommandRuns(file: string, dataDir: string): Promise<string> {
  const first = start(["run", file, "--data", dataDir]);
  await waitUntil(() => /cmd\s+suspended/.test(first.stdout()), "the command to run as a job");
  const runId = /run (run-\S+) started \(in this process\)/.exec(first.stdout())?.[1];
  expect(runId, first.stdout()).toBeDefined();
  await first.kill("SIGKILL");
  return runId as string;
}

async function runsIn(dataDir: string): Promise<{ id: string; status: string }[]> {
  const status = await labflow(["status", "--json", "--data", dataDir]);
  expect(status.code, status.stderr).toBe(0);
  return JSON.parse(status.stdout).runs;
}

describe("labflow run after the previous labflow run was SIGKILLed", () => {
  it("continues the original run instead of starting a second one: the command starts once", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const runId = await runKilledWhileCommandRuns(work.file, dataDir);
    // The command goes on without labflow; its first line may come just after labflow saw it start.
    await waitUntil(() => work.startsCount() === 1, "the command to note its start");

    const again = start(["run", work.file, "--data", dataDir]);
    await waitUntil(
      () => again.stdout().includes(`continuing run ${runId} (started `),
      "the second run to continue the first",
    );
    expect(again.stdout()).toMatch(/after an interruption\n/);
    work.release();
    const result = await again.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${runId} completed`);
    expect(result.stdout).not.toMatch(/run \S+ started/);
    expect(result.stderr).toBe("");
    expect(work.startsCount()).toBe(1);
    expect(await runsIn(dataDir)).toEqual([expect.objectContaining({ id: runId, status: "completed" })]);
  });

  it("keeps the --json result one object, of the original run, when the command ended meanwhile", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const runId = await runKilledWhileCommandRuns(work.file, dataDir);
    // The command finishes while no labflow runs.
    work.release();

    const result = await labflow(["run", work.file, "--json", "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      runId,
      status: "completed",
      modules: {
        cmd: { status: "done", outputs: expect.objectContaining({ exitCode: 0 }) },
        after: { status: "done", outputs: { result: true } },
      },
    });
    expect(result.stderr).toMatch(
      new RegExp(`^labflow: continuing run ${runId} \\(started [^)]+\\) after an interruption\\n$`),
    );
    expect(work.startsCount()).toBe(1);
  });

  it("starts a new run of a changed document, leaving nothing of the interrupted one running", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const runId = await runKilledWhileCommandRuns(work.file, dataDir);
    work.release();
    const other = join(tempDir(), "other.json");
    writeFileSync(
      other,
      JSON.stringify(workflow("other").module("c", "basic.Constant", { value: 1 }).build()),
    );

    const result = await labflow(["run", other, "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/run \S+ started \(in this process\)/);
    expect(result.stdout).not.toContain("continuing");
    // The interrupted run was restored by that command too; it is either done or waits on its job.
    const runs = await runsIn(dataDir);
    expect(runs.find((r) => r.id === runId)?.status).toMatch(/^(completed|suspended)$/);
    expect(work.startsCount()).toBe(1);
  });
});

describe("labflow resume RUN without a server", () => {
  it("restores a suspended run and follows it to completed, the command started once", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const detached = await labflow(["run", work.file, "--detach", "--data", dataDir]);
    expect(detached.code, detached.stderr).toBe(0);
    const runId = /run (run-\S+) suspended/.exec(detached.stdout)?.[1] as string;
    expect(runId, detached.stdout).toBeDefined();

    const resume = start(["resume", runId, "--data", dataDir]);
    await waitUntil(() => resume.stdout().includes(`run ${runId} continues in this process`), "the resume");
    work.release();
    const result = await resume.exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${runId} completed`);
    expect(work.startsCount()).toBe(1);
  });

  it("delivers the finished job of a run with auto-resume off and completes it", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const detached = await labflow(["run", work.file, "--detach", "--no-auto-resume", "--data", dataDir]);
    const runId = /run (run-\S+) suspended/.exec(detached.stdout)?.[1] as string;
    expect(runId, detached.stdout).toBeDefined();
    work.release();

    const result = await labflow(["resume", runId, "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`run ${runId} completed`);
    expect(work.startsCount()).toBe(1);
  });

  it("refuses a finished run in one line, exit 1", async () => {
    const dataDir = tempDir();
    const done = await labflow(["run", join("workflows", "arithmetic.json"), "--json", "--data", dataDir]);
    const runId = JSON.parse(done.stdout).runId;
    const result = await labflow(["resume", runId, "--data", dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`labflow: run ${runId} is completed; nothing to resume\n`);
  });
});

describe("labflow cancel RUN without a server", () => {
  it("cancels a run whose labflow run was SIGKILLed, stopping its command", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const runId = await runKilledWhileCommandRuns(work.file, dataDir);
    const jobs = JSON.parse(
      (await labflow(["jobs", "--run", runId, "--json", "--data", dataDir])).stdout,
    ).jobs;
    const job = jobs[0] as { id: string };
    const pid = Number(readFileSync(join(dataDir, "runs", runId, "jobs", job.id, "pid"), "utf8"));
    expect(isProcessGroupAlive(pid)).toBe(true);

    const result = await labflow(["cancel", runId, "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`run ${runId} cancelled\n`);
    await waitUntil(() => !isProcessGroupAlive(pid), "the command's process group to be gone");
    expect(await runsIn(dataDir)).toEqual([expect.objectContaining({ id: runId, status: "cancelled" })]);
  });
});
