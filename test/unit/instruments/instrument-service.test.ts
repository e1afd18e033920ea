import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InstrumentService } from "../../../server/devices/lab/instrument-service.js";
import type { InstrumentCatalog } from "../../../server/devices/lab/pipeline-matching.js";
import { PipelineService } from "../../../server/devices/lab/pipelines.js";
import type { DriverHostApi } from "../../../server/devices/protocol/driver-api.js";
import { DriverError } from "../../../server/devices/protocol/driver-protocol.js";
import { taskMetaPath, writeTaskMeta } from "../../../server/devices/protocol/task-files.js";
import { PipelineStore } from "../../../server/store/pipeline-store.js";
import { openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const catalog: InstrumentCatalog = {
  pipelines: [{ name: "p1", roles: { sensor: { device: "d1", channel: "1" } } }],
  techniquesOf: () => ["acquire"],
  driverOf: () => undefined,
};
const target = { device: "d1", channel: "1" };

const opened: PipelineStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

/**
 * A driver host that started the task and has since forgotten it: what a host answers for a task it
 * pruned, or after it was respawned (the host's real answer: the protocol's code `unknown_task`).
 */
const forgetfulHost = {
  taskStart: async () => ({ state: "running", readings: 0 }),
  taskStatus: async (_target: unknown, taskId: string) => {
    throw new DriverError("unknown_task", `unknown task ${taskId}`);
  },
  taskStop: async (_target: unknown, taskId: string) => {
    throw new DriverError("unknown_task", `unknown task ${taskId}`);
  },
} as unknown as DriverHostApi;

function labWithStartedTask() {
  const dataDir = tempDir();
  openSqliteStore(dataDir).close();
  const store = PipelineStore.open(dataDir);
  opened.push(store);
  const pipelines = new PipelineService(catalog, store, () => "running");
  pipelines.load("p1", "S1");
  pipelines.ready("p1");
  const service = new InstrumentService(pipelines, { hostFor: async () => forgetfulHost });
  const jobDir = join(dataDir, "job-a");
  mkdirSync(jobDir);
  const dataFile = join(jobDir, "data.ndjson");
  expect(service.claim("job-a", { role: "sensor", technique: "acquire" }).status).toBe("claimed");
  return { service, dataFile, start: () => service.startTask("job-a", target, task(dataFile)) };
}

const task = (dataFile: string) => ({
  technique: "acquire",
  params: {},
  durationMs: 300,
  samplingMs: 100,
  dataFile,
});

function writeReadings(dataFile: string, count: number) {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ t: new Date(i * 100).toISOString(), x: i }),
  );
  writeFileSync(dataFile, `${lines.join("\n")}\n`);
}

describe("a task the driver host no longer knows", () => {
  it("takes the final state the host wrote beside the data when the task ended", async () => {
    const { service, dataFile, start } = labWithStartedTask();
    await start();
    writeReadings(dataFile, 3);
    writeTaskMeta(dataFile, {
      taskId: "job-a",
      driver: "labflow-sim",
      ...target,
      address: "/dev/null",
      technique: "acquire",
      params: {},
      durationMs: 300,
      samplingMs: 100,
      columns: [{ name: "t" }, { name: "x", unit: "V" }],
      startedAt: new Date(0).toISOString(),
      endedAt: new Date(300).toISOString(),
      state: "completed",
      readings: 3,
    });
    expect(await service.taskStatus("job-a", target)).toEqual({ state: "completed", readings: 3 });
    expect(await service.stopTask("job-a", target)).toEqual({ state: "completed", readings: 3 });
  });

  it("fails the task, keeping its readings, when it ended nowhere on record", async () => {
    const { service, dataFile, start } = labWithStartedTask();
    await start();
    writeReadings(dataFile, 2);
    expect(taskMetaPath(dataFile)).toMatch(/data\.meta\.json$/);
    const state = await service.taskStatus("job-a", target);
    expect(state.state).toBe("failed");
    expect(state.readings).toBe(2);
    expect(state.message).toContain('device "d1" no longer runs this task');
  });
});
