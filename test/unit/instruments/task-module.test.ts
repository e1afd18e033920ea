import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testRuntime } from "../../helpers/runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** A devices file with one simulated device and one pipeline; no driver is started by these tests. */
function devicesFile(): string {
  const file = join(tempDir(), "devices.json");
  writeFileSync(
    file,
    JSON.stringify({
      devices: [
        { name: "furnace", driver: "labflow-sim", address: "/dev/labflow-test-none", channels: ["1"] },
      ],
      pipelines: [{ name: "p1", roles: { sensor: { device: "furnace", channel: "1" } } }],
    }),
  );
  return file;
}

const task = (params: Record<string, unknown>) =>
  workflow("acquire")
    .module("t", "instruments.Task", { duration: 1, samplingInterval: 0.1, ...params })
    .build();

describe("instruments.Task", () => {
  it("is refused before anything is queued, naming why, when no pipeline could ever serve the request", async () => {
    const runtime = await testRuntime({ devicesFile: devicesFile() });
    expect(() => runtime.engine.startRun(task({ role: "stirrer" }))).toThrow(
      'no pipeline has a role "stirrer" (roles declared: sensor)',
    );
    expect(runtime.monitor.list({})).toEqual([]);
  });

  it("waits in qw, saying for what, while no pipeline is ready with the sample", async () => {
    const runtime = await testRuntime({ devicesFile: devicesFile() });
    const { runId } = runtime.engine.startRun(task({ role: "sensor", sample: "S1" }));
    const job = await waitUntil(
      () => runtime.monitor.list({ runId }).find((j) => j.state === "waiting"),
      "the job to wait",
    );
    expect(job.message).toContain('sample "S1"');
    expect(job.message).toContain("p1 holds no sample");
    expect(runtime.engine.getRun(runId).status).toBe("suspended");
    await runtime.engine.cancelRun(runId);
    expect(runtime.monitor.get(job.id).state).toBe("cancelled");
  });

  it("shows a new job waiting at once, not running until its first scheduled check", async () => {
    // Checks once a minute: only the first check, made at once, can tell it waits.
    const runtime = await testRuntime({ devicesFile: devicesFile(), globalInterval: 60_000 });
    const { runId } = runtime.engine.startRun(task({ role: "sensor", sample: "S1" }));
    const job = await waitUntil(
      () => runtime.monitor.list({ runId }).find((j) => j.state === "waiting"),
      "the job to wait",
      10_000,
    );
    expect(job.message).toContain("p1 holds no sample");
    await runtime.engine.cancelRun(runId);
  });

  it("without a devices file fails saying how to configure one", async () => {
    const runtime = await testRuntime();
    const { runId } = runtime.engine.startRun(task({ role: "sensor" }));
    expect(await runtime.engine.waitForRun(runId)).toBe("failed");
    expect(runtime.engine.getRun(runId).modules.t?.error?.message).toContain("labflow serve --devices FILE");
  });

  it("Measure without a devices file fails saying how to configure one", async () => {
    const runtime = await testRuntime();
    const doc = workflow("m").module("m", "instruments.Measure", { device: "furnace" }).build();
    const { runId } = runtime.engine.startRun(doc);
    expect(await runtime.engine.waitForRun(runId)).toBe("failed");
    expect(runtime.engine.getRun(runId).modules.m?.error).toMatchObject({ code: "no_devices" });
  });
});
