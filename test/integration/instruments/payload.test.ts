/**
 * instruments.Payload on real parts: two simulated instruments on their own socat ptys, one pipeline
 * with a heater and a detector role, a real `labflow serve`. One job, one claim, roles in parallel,
 * steps in sequence, one data set per role in one archive; cancel stops every role.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import type { PipelineStatusView } from "../../../server/schema/pipelines-api.js";
import { api, jobInState, type Lab, loadAndReady, runEnded, startLab } from "../../helpers/instrument-lab.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

const readIfThere = (path: string): string => (existsSync(path) ? readFileSync(path, "utf8") : "");

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.cleanup();
});

async function cell() {
  const lab = await startLab(["furnace", "detector"]);
  labs.push(lab);
  lab.writeDevices([
    { name: "cell", roles: { heater: { device: "furnace" }, detector: { device: "detector" } } },
  ]);
  const server = await lab.serve();
  await loadAndReady(lab.dataDir, "cell");
  return { ...lab, server };
}

const payload = (roles: Record<string, unknown[]>) =>
  workflow("payload").module("p", "instruments.Payload", { roles, sample: "S1" }).build();

type Row = { t: string; temperature: number; setpoint: number };
const rows = (files: Record<string, Uint8Array>, name: string): Row[] =>
  JSON.parse(strFromU8(files[name] as Uint8Array)).readings;

describe("instruments.Payload", () => {
  it("ramps the heater while the detector acquires (two steps), in one job, with both data sets in one archive", async () => {
    const { server, devices } = await cell();
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: payload({
        heater: [
          { technique: "ramp", params: { setpoint: 60, rampRate: 600 }, duration: 3, samplingInterval: 0.2 },
        ],
        detector: [
          { technique: "acquire", duration: 1, samplingInterval: 0.1 },
          { technique: "acquire", duration: 1, samplingInterval: 0.1 },
        ],
      }),
    });
    const run = await runEnded(server, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const jobs = (await api<{ jobs: { id: string }[] }>(server, "GET", `/api/jobs?runId=${runId}`)).jobs;
    expect(jobs).toHaveLength(1); // one job, one claim of the pipeline
    const out = run.modules.p?.outputs as { archive: string; readings: Record<string, number> };
    expect(out.readings.heater).toBeGreaterThanOrEqual(14);
    expect(out.readings.detector).toBeGreaterThanOrEqual(19);

    const files = unzipSync(readFileSync(out.archive));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        "data.json",
        "heater/data.csv",
        "heater/data.json",
        "detector/data.csv",
        "detector/data.json",
        "job.log",
      ]),
    );
    const heater = rows(files, "heater/data.json");
    const detector = rows(files, "detector/data.json");
    expect(heater).toHaveLength(out.readings.heater as number);
    expect(detector).toHaveLength(out.readings.detector as number);
    expect(heater.at(-1)?.setpoint).toBe(60);
    // In parallel: the detector's readings fall within the heater's ramp.
    const span = (r: Row[]) => [Date.parse(r[0]?.t as string), Date.parse(r.at(-1)?.t as string)];
    const [heaterFrom, heaterTo] = span(heater);
    const [detectorFrom, detectorTo] = span(detector);
    expect(detectorFrom).toBeLessThan(heaterTo as number);
    expect(heaterFrom).toBeLessThan(detectorTo as number);
    const data = JSON.parse(strFromU8(files["data.json"] as Uint8Array));
    expect(data).toMatchObject({
      outcome: "completed",
      pipeline: "cell",
      sample: "S1",
      devices: [
        { role: "heater", device: "furnace", channel: "1" },
        { role: "detector", device: "detector", channel: "1" },
      ],
    });
    expect(devices.detector?.sim.output().match(/acquisition started/g)).toHaveLength(2);
  }, 120_000);

  it("cancel stops every role on its instrument and writes the archive with what was acquired", async () => {
    const { server, devices, dataDir } = await cell();
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: payload({
        heater: [{ technique: "ramp", params: { setpoint: 80 }, duration: 120, samplingInterval: 0.1 }],
        detector: [{ technique: "acquire", duration: 120, samplingInterval: 0.1 }],
      }),
    });
    const job = await jobInState(server, runId, ["running"], "the payload to run");
    // A reading of each role is in its data file (an acquisition that started may have none yet).
    const jobDir = join(dataDir, "runs", runId, "jobs", job.id);
    for (const role of ["heater", "detector"])
      await waitUntil(
        () => readIfThere(join(jobDir, role, "step-1", "data.ndjson")).includes("\n"),
        `a ${role} reading`,
      );
    await api(server, "POST", `/api/jobs/${job.id}/cancel`);
    await devices.furnace?.sim.waitForOutput(/acquisition stopped/);
    await devices.detector?.sim.waitForOutput(/acquisition stopped/);
    await jobInState(server, runId, ["cancelled"], "the payload to be cancelled");
    const pipeline = await api<PipelineStatusView>(server, "GET", "/api/pipelines/cell");
    expect(pipeline).toMatchObject({ ready: false });
    expect(pipeline.jobId).toBeUndefined();
    const files = unzipSync(readFileSync(join(dataDir, "runs", runId, "jobs", job.id, "results.zip")));
    expect(JSON.parse(strFromU8(files["data.json"] as Uint8Array))).toMatchObject({ outcome: "cancelled" });
    expect(rows(files, "heater/data.json").length).toBeGreaterThan(0);
    expect(rows(files, "detector/data.json").length).toBeGreaterThan(0);
  }, 120_000);
});

describe("instruments.Payload across a restart", () => {
  it("completes every step of every role although the server was SIGKILLed in the middle", async () => {
    const lab = await startLab(["furnace", "detector"]);
    labs.push(lab);
    lab.writeDevices([
      { name: "cell", roles: { heater: { device: "furnace" }, detector: { device: "detector" } } },
    ]);
    let server = await lab.serve();
    await loadAndReady(lab.dataDir, "cell");
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: payload({
        heater: [
          { technique: "ramp", params: { setpoint: 40, rampRate: 600 }, duration: 4, samplingInterval: 0.1 },
        ],
        detector: [
          { technique: "acquire", duration: 2, samplingInterval: 0.1 },
          { technique: "acquire", duration: 2, samplingInterval: 0.1 },
        ],
      }),
    });
    await jobInState(server, runId, ["running"], "the payload to run");
    await lab.devices.detector?.sim.waitForOutput(/acquisition started/);
    await server.kill("SIGKILL");
    server = await lab.serve();
    const run = await runEnded(server, runId);
    expect(run.status, JSON.stringify(run.modules)).toBe("completed");
    const out = run.modules.p?.outputs as { readings: Record<string, number> };
    expect(Math.abs((out.readings.heater ?? 0) - 40)).toBeLessThanOrEqual(1);
    expect(Math.abs((out.readings.detector ?? 0) - 40)).toBeLessThanOrEqual(2);
    // Each step started once on its instrument, whatever the restart.
    expect(lab.devices.detector?.sim.output().match(/acquisition started/g)).toHaveLength(2);
    expect(lab.devices.furnace?.sim.output().match(/acquisition started/g)).toHaveLength(1);
  }, 120_000);
});
