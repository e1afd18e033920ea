/**
 * The driver host's service in this process, on a real pty pair with the real labflow-sim driver:
 * races and faults that need a precise order of events (a cancel while the start is on its way) or
 * an instrument that misbehaves on purpose (the test plays it with the simulator's own protocol).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { labflowSimDriver } from "../../../server/devices/drivers/labflow-sim-driver.js";
import { DriverHostService } from "../../../server/devices/host/driver-host-service.js";
import type { TaskTableOptions } from "../../../server/devices/host/driver-host-tasks.js";
import { LinePort } from "../../../server/devices/host/line-port.js";
import type { DriverTask } from "../../../server/devices/protocol/driver-api.js";
import { readTaskMeta } from "../../../server/devices/protocol/task-files.js";
import { SimInstrument } from "../../../server/devices/simulator/sim-instrument.js";
import { handleCommand } from "../../../server/devices/simulator/sim-protocol.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { startSimulator } from "../../helpers/simulator-process.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";

const target = { device: "furnace", channel: "1" };
const services: DriverHostService[] = [];
const ports: LinePort[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  for (const port of ports.splice(0)) await port.close();
});

/** The service with the furnace registered on the driver's end of a fresh pty pair. */
async function host(devPath: string, options: TaskTableOptions = {}) {
  const log: string[] = [];
  const service = new DriverHostService(labflowSimDriver, (m) => log.push(m), options);
  services.push(service);
  await service.register({ ...target, address: devPath, pollMs: 100, settings: {} });
  const dataDir = tempDir();
  const task = (taskId: string, durationMs = 60_000, samplingMs = 50): DriverTask => ({
    taskId,
    technique: "acquire",
    params: {},
    durationMs,
    samplingMs,
    dataFile: join(dataDir, taskId, "data.ndjson"),
  });
  const finished = (taskId: string) =>
    waitUntil(async () => {
      const state = await service.taskStatus(target, taskId);
      return state.state !== "running" ? state : undefined;
    }, `task ${taskId} to end`);
  return { service, log, task, finished };
}

/**
 * The instrument played by the test: the simulator's protocol for every command, except those
 * `override` answers itself (return the lines to send instead of the simulator's reply).
 */
async function playedInstrument(
  simPath: string,
  override: (command: string, port: LinePort) => string[] | undefined,
) {
  const instrument = new SimInstrument();
  const port = new LinePort({ path: simPath, reopenMs: 100 });
  ports.push(port);
  const commands: string[] = [];
  port.on("line", (command) => {
    commands.push(command);
    const lines = override(command, port) ?? [handleCommand(instrument, "played", command).reply];
    port.writeLines(lines);
  });
  await port.start();
  return { commands };
}

describe("driver host service", () => {
  it("a cancel that arrives while the task is starting stops the instrument once it started", async () => {
    const pty = await startPtyPair();
    const sim = await startSimulator(pty.simPath, "furnace-sim");
    const { service, task } = await host(pty.devPath);
    const mark = sim.output().length;
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const timersBefore = timers();
    // Both in the same turn: the stop arrives while the driver waits for the reply to `ACQ?`.
    const starting = service.taskStart(target, task("racy"));
    const stopped = await service.taskStop(target, "racy");
    expect(stopped.state).toBe("stopped");
    expect((await starting).state).toBe("stopped");
    const log = await sim.waitForOutput(/acquisition stopped \(ACQ:STOP\)/, { from: mark });
    expect(log).toMatch(/acquisition started[\s\S]*acquisition stopped \(ACQ:STOP\)/);
    expect((await service.get(target, "acquiring")).value).toBe(false);
    expect(await service.taskStatus(target, "racy")).toMatchObject({ state: "stopped" });
    // No watchdog was started for the task that ended before it started.
    expect(timers()).toBe(timersBefore);
  });

  it("keeps a task whose start the instrument refused as failed, with the instrument's reply", async () => {
    const pty = await startPtyPair();
    const { commands } = await playedInstrument(pty.simPath, (command) =>
      command.startsWith("ACQ:START") ? ["ERR -240 heater fault"] : undefined,
    );
    const { service, task } = await host(pty.devPath);
    const spec = task("refused", 300, 50);
    const expected = {
      state: "failed",
      readings: 0,
      message: `device "furnace" channel "1" did not start the acquisition: ${pty.devPath}: "ACQ:START 50 6" was refused: ERR -240 heater fault`,
    };
    expect(await service.taskStart(target, spec)).toEqual(expected);
    expect(await service.taskStatus(target, "refused")).toEqual(expected);
    expect(readTaskMeta(spec.dataFile)).toMatchObject({ state: "failed", message: expected.message });
    // Told to stop all the same, in case it started without saying so.
    await waitUntil(() => commands.includes("ACQ:STOP"), "the stop after the refused start");
  });

  it("two stops of a running task send one ACQ:STOP and both answer stopped", async () => {
    const pty = await startPtyPair();
    const { commands } = await playedInstrument(pty.simPath, () => undefined);
    const { service, task } = await host(pty.devPath);
    expect((await service.taskStart(target, task("twice"))).state).toBe("running");
    const [first, second] = await Promise.all([
      service.taskStop(target, "twice"),
      service.taskStop(target, "twice"),
    ]);
    expect(first.state).toBe("stopped");
    expect(second.state).toBe("stopped");
    expect(commands.filter((command) => command === "ACQ:STOP")).toHaveLength(1);
  });

  it("skips malformed DATA lines from the instrument and keeps the good readings", async () => {
    const pty = await startPtyPair();
    const t = (ms: number) => new Date(Date.parse("2026-11-23T10:00:00.000Z") + ms).toISOString();
    await playedInstrument(pty.simPath, (command) =>
      command.startsWith("ACQ:START")
        ? [
            "OK",
            `DATA ${t(0)} 22.500 30.000`,
            "DATA not-a-time 22.5 30.0",
            `DATA ${t(50)} nan 30.000`,
            `DATA ${t(50)} 22.5`,
            `DATA ${t(50)}  30.000`,
            `DATA ${t(100)} 22.600 30.000`,
            "DONE 2",
          ]
        : undefined,
    );
    const { service, task, finished, log } = await host(pty.devPath);
    const spec = task("noisy", 300, 50);
    await service.taskStart(target, spec);
    expect(await finished("noisy")).toMatchObject({ state: "completed", readings: 2 });
    const rows = readFileSync(spec.dataFile, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(rows).toEqual([
      { t: t(0), temperature: 22.5, setpoint: 30 },
      { t: t(100), temperature: 22.6, setpoint: 30 },
    ]);
    const skipped = log.filter((line) => line.includes("skipped a malformed line"));
    expect(skipped).toHaveLength(4);
    expect(skipped[0]).toBe(
      `task noisy: skipped a malformed line from device "furnace" (${pty.devPath}), 1 so far: DATA not-a-time 22.5 30.0`,
    );
  });

  it("forgets finished tasks after newer ones on the channel, or after a day; their meta file keeps the final state", async () => {
    const pty = await startPtyPair();
    await startSimulator(pty.simPath, "furnace-sim");
    let now = Date.parse("2026-11-23T10:00:00.000Z");
    const { service, task, finished } = await host(pty.devPath, {
      tasksKeptPerComponent: 2,
      finishedTaskTtlMs: 24 * 3600_000,
      now: () => now,
    });
    const run = async (taskId: string) => {
      const spec = task(taskId, 100, 50);
      await service.taskStart(target, spec);
      expect((await finished(taskId)).state).toBe("completed");
      now += 1000;
      return spec;
    };
    const a = await run("a");
    await run("b");
    await run("c");
    // Kept: the newest finished one and the new one.
    await expect(service.taskStatus(target, "a")).rejects.toThrow(/^unknown task a: /);
    expect((await service.taskStatus(target, "b")).state).toBe("completed");
    expect(readTaskMeta(a.dataFile)).toMatchObject({ state: "completed", readings: 2 });

    now += 25 * 3600_000;
    await service.taskStart(target, { ...task("a-day-later"), technique: "sinter" });
    await expect(service.taskStatus(target, "b")).rejects.toThrow(/^unknown task b: /);
    await expect(service.taskStatus(target, "c")).rejects.toThrow(/^unknown task c: /);
    expect(existsSync(a.dataFile)).toBe(true);
  });
});
