/**
 * tomato's rulebook on real parts: params checked before queueing, devices guarded while in use,
 * shared channels that wait, devices files that cannot pull a pipeline from under a job, results
 * on every ending. A real `labflow serve`, socat ptys and simulated instruments as processes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelinesAnswer } from "../../../server/schema/pipelines-api.js";
import {
  api,
  call,
  jobInState,
  jobsOf,
  type Lab,
  loadAndReady,
  runEnded,
  startLab,
} from "../../helpers/instrument-lab.js";
import { labflow } from "../../helpers/labflow-cli.js";
import { workflow } from "../../helpers/workflow-builder.js";

const labs: Lab[] = [];

/** data.json of a job's results.zip. */
function archived(jobDir: string): Record<string, unknown> {
  const files = unzipSync(readFileSync(join(jobDir, "results.zip")));
  return JSON.parse(strFromU8(files["data.json"] as Uint8Array));
}
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.cleanup();
});

async function lab(names: string[]): Promise<Lab> {
  const started = await startLab(names);
  labs.push(started);
  return started;
}

const ramp = (setpoint: number, seconds = 1) =>
  workflow("ramp")
    .module("r", "instruments.Task", {
      role: "heater",
      technique: "ramp",
      taskParams: { setpoint, rampRate: 600 },
      duration: seconds,
      samplingInterval: 0.1,
    })
    .build();

describe("params are checked against the driver before a job is queued", () => {
  it("refuses a 9000 °C setpoint at POST /api/runs and in labflow validate; a good job behind it runs", async () => {
    const { dataDir, serve, writeDevices } = await lab(["furnace"]);
    writeDevices([{ name: "p1", roles: { heater: { device: "furnace" } } }]);
    const server = await serve();
    await loadAndReady(dataDir, "p1");

    const refused = await call<{ error: { code: string; message: string }; problems: { field: string }[] }>(
      server,
      "POST",
      "/api/runs",
      { workflow: ramp(9000) },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("invalid_workflow");
    expect(refused.body.error.message).toContain('param "setpoint" 9000 is outside [-50, 400]');
    expect(refused.body.problems[0]?.field).toBe("params.taskParams");
    // Nothing was queued: no job ever took the pipeline, which stays ready for the next one.
    expect((await api<{ jobs: unknown[] }>(server, "GET", "/api/jobs")).jobs).toEqual([]);

    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", { workflow: ramp(40) });
    const run = await runEnded(server, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");

    const file = `${dataDir}/bad-ramp.json`;
    await import("node:fs").then((fs) => fs.writeFileSync(file, JSON.stringify(ramp(9000))));
    const validated = await labflow(["validate", file, "--data", dataDir]);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain('param "setpoint" 9000 is outside [-50, 400]');
  }, 120_000);
});

const acquireOn = (pipeline: string, seconds: number) =>
  workflow(`acquire on ${pipeline}`)
    .module("a", "instruments.Task", { role: "detector", pipeline, duration: seconds, samplingInterval: 0.1 })
    .build();

describe("pipelines that share a device channel", () => {
  it("run their jobs one after the other: the second waits (qw, naming the first) and never fails", async () => {
    const { dataDir, serve, writeDevices } = await lab(["detector"]);
    writeDevices([
      { name: "cell-a", roles: { detector: { device: "detector" } } },
      { name: "cell-b", roles: { detector: { device: "detector" } } },
    ]);
    const server = await serve();
    await loadAndReady(dataDir, "cell-a", "SA");
    await loadAndReady(dataDir, "cell-b", "SB");
    const first = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquireOn("cell-a", 3),
    });
    const running = await jobInState(server, first.runId, ["running"], "the first job to run");
    const second = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: acquireOn("cell-b", 1),
    });
    const waiting = await jobInState(server, second.runId, ["waiting"], "the second job to wait");
    expect(waiting.letter).toBe("qw");
    expect(waiting.message).toContain(
      `cell-b shares device "detector" channel "1" with pipeline cell-a, in use by job ${running.id}`,
    );
    expect((await runEnded(server, first.runId)).status).toBe("completed");
    const secondRun = await runEnded(server, second.runId);
    expect(secondRun.status, JSON.stringify(secondRun.modules)).toBe("completed");
    expect(
      (secondRun.modules.a?.outputs as { readings?: number } | undefined)?.readings,
    ).toBeGreaterThanOrEqual(9);
  }, 120_000);
});

describe("a device channel used by a running job is locked", () => {
  it("refuses SetAttribute from a module, the CLI and the API naming the job; force sets it and records it with the job", async () => {
    const { dataDir, serve, writeDevices } = await lab(["furnace"]);
    writeDevices([{ name: "p1", roles: { heater: { device: "furnace" } } }]);
    const server = await serve();
    await loadAndReady(dataDir, "p1");
    const acquiring = workflow("acquire")
      .module("a", "instruments.Task", { role: "heater", duration: 60, samplingInterval: 0.1 })
      .build();
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", { workflow: acquiring });
    const job = await jobInState(server, runId, ["running"], "the acquisition to run");
    const inUse = `device "furnace" channel "1" is in use by job ${job.id} (pipeline p1)`;

    const setRun = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: workflow("set")
        .module("s", "instruments.SetAttribute", { device: "furnace", attribute: "setpoint", value: 150 })
        .build(),
    });
    const refusedRun = await runEnded(server, setRun.runId);
    expect(refusedRun.status).toBe("failed");
    expect(refusedRun.modules.s?.error).toMatchObject({ code: "device_in_use" });
    expect(refusedRun.modules.s?.error?.message).toContain(inUse);

    const cli = await labflow(["device", "set", "furnace", "setpoint", "150", "--data", dataDir]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(inUse);

    const path = "/api/devices/furnace/attributes/setpoint";
    const refused = await call<{ error: { code: string; message: string } }>(server, "POST", path, {
      value: 150,
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "device_in_use" } } });
    expect(refused.body.error.message).toContain(inUse);

    const forced = await api(server, "POST", path, { value: 45, force: true });
    expect(forced).toMatchObject({ attribute: "setpoint", value: 45, forcedOver: job.id });
    const jobDir = join(dataDir, "runs", runId, "jobs", job.id);
    expect(readFileSync(join(jobDir, "job.log"), "utf8")).toContain(
      "forced setting by the API: setpoint = 45 on furnace/1 while this job used it",
    );
    await api(server, "POST", `/api/jobs/${job.id}/cancel`);
    await jobInState(server, runId, ["cancelled"], "the acquisition to be cancelled");

    // The cancelled job has its results archive: what was acquired, why it ended, the forced setting.
    const data = archived(jobDir);
    expect(data).toMatchObject({
      jobId: job.id,
      outcome: "cancelled",
      reason: expect.stringContaining("cancelled: the task is stopped after"),
      pipeline: "p1",
      sample: "S1",
      devices: [{ role: "heater", device: "furnace", channel: "1" }],
      forcedSettings: [expect.objectContaining({ attribute: "setpoint", value: 45, by: "the API" })],
    });
    for (const at of ["submittedAt", "startedAt", "finishedAt"])
      expect(Date.parse(data[at] as string)).not.toBeNaN();
    expect((data.readings as unknown[]).length).toBeGreaterThan(0);
  }, 120_000);

  it("a failed job (serial link lost) has its results archive too, with the reason", async () => {
    const { dataDir, serve, writeDevices, devices } = await lab(["furnace"]);
    writeDevices([{ name: "p1", roles: { heater: { device: "furnace" } } }]);
    const server = await serve();
    await loadAndReady(dataDir, "p1");
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: workflow("acquire")
        .module("a", "instruments.Task", { role: "heater", duration: 60, samplingInterval: 0.1 })
        .build(),
    });
    const job = await jobInState(server, runId, ["running"], "the acquisition to run");
    await devices.furnace?.sim.waitForOutput(/acquisition started/);
    await devices.furnace?.pty.kill();
    const failed = await jobInState(server, runId, ["failed"], "the job to fail");
    expect(failed.message).toContain("serial link");
    const data = archived(join(dataDir, "runs", runId, "jobs", job.id));
    expect(data).toMatchObject({ outcome: "failed", reason: expect.stringContaining("serial link") });
  }, 120_000);
});

describe("a devices file cannot pull a pipeline from under a job", () => {
  it("refuses at start a file that drops the pipeline a running job holds, naming the job, and keeps the accepted configuration", async () => {
    const { dataDir, serve, writeDevices } = await lab(["furnace"]);
    writeDevices([{ name: "p1", roles: { heater: { device: "furnace" } } }]);
    let server = await serve();
    await loadAndReady(dataDir, "p1");
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: workflow("acquire")
        .module("a", "instruments.Task", { role: "heater", duration: 60, samplingInterval: 0.1 })
        .build(),
    });
    const job = await jobInState(server, runId, ["running"], "the acquisition to run");
    await server.kill("SIGKILL");

    writeDevices([{ name: "p2", roles: { heater: { device: "furnace" } } }]);
    server = await serve();
    const answer = await api<PipelinesAnswer>(server, "GET", "/api/pipelines");
    expect(answer.devicesFileRefused).toContain(`it drops pipeline "p1" (job ${job.id} holds it)`);
    expect(answer.pipelines.map((p) => [p.name, p.jobId])).toEqual([["p1", job.id]]);
    expect(server.stderr()).toContain(`it drops pipeline "p1" (job ${job.id} holds it)`);
    // The job goes on with its pipeline; once it ended, the new file is accepted at the next start.
    expect((await jobsOf(server, runId))[0]?.state).toBe("running");
    await api(server, "POST", `/api/jobs/${job.id}/cancel`);
    await jobInState(server, runId, ["cancelled"], "the job to be cancelled");
    await server.kill("SIGTERM");
    server = await serve();
    const later = await api<PipelinesAnswer>(server, "GET", "/api/pipelines");
    expect(later.devicesFileRefused).toBeUndefined();
    expect(later.pipelines.map((p) => p.name)).toEqual(["p2"]);
  }, 120_000);
});

describe("pipeline templates", () => {
  it("expands pip-counter-* into one pipeline per channel on a real server, each loadable by its name", async () => {
    const { dataDir, serve, writeDevices } = await lab(["counter"]);
    writeDevices([{ name: "pip-counter-*", roles: { counter: { device: "counter", channel: "each" } } }], {
      counter: ["1", "2", "3"],
    });
    const server = await serve();
    const answer = await api<PipelinesAnswer>(server, "GET", "/api/pipelines");
    expect(answer.pipelines.map((p) => [p.name, p.roles.counter?.channel])).toEqual([
      ["pip-counter-1", "1"],
      ["pip-counter-2", "2"],
      ["pip-counter-3", "3"],
    ]);
    await loadAndReady(dataDir, "pip-counter-2");
    expect(await api(server, "GET", "/api/pipelines/pip-counter-2")).toMatchObject({
      sample: "S1",
      ready: true,
    });
  }, 120_000);
});
