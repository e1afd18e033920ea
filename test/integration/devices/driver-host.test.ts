/**
 * The device layer on real parts: a socat pty pair, the simulated instrument as a real process on
 * one end, and a real detached driver host process (spawned by the supervisor) on the other.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskState } from "../../../modules/sdk/instruments.js";
import { parseDevicesText } from "../../../server/devices/devices-file.js";
import type { DriverTask } from "../../../server/devices/driver-api.js";
import { driverHostPaths } from "../../../server/devices/driver-host-paths.js";
import { DriverSupervisor } from "../../../server/devices/driver-supervisor.js";
import { stopDriverHosts } from "../../../server/devices/stop-driver-hosts.js";
import { taskMetaPath } from "../../../server/devices/task-files.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { startSimulator } from "../../helpers/simulator-process.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";

const target = { device: "furnace", channel: "1" };
const supervisors: DriverSupervisor[] = [];

afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.stopAll();
});

async function lab() {
  const pty = await startPtyPair();
  const sim = await startSimulator(pty.simPath, "furnace-sim");
  const dataDir = tempDir();
  const devices = parseDevicesText(
    JSON.stringify({
      devices: [
        { name: "furnace", driver: "labflow-sim", address: pty.devPath, channels: ["1"], pollMs: 200 },
      ],
      pipelines: [{ name: "p1", roles: { heater: { device: "furnace", channel: "1" } } }],
    }),
  );
  const supervisor = await DriverSupervisor.start({ dataDir, devices, heartbeatMs: 250 });
  supervisors.push(supervisor);
  const task = (taskId: string, durationMs: number, samplingMs: number): DriverTask => ({
    taskId,
    technique: "acquire",
    params: {},
    durationMs,
    samplingMs,
    dataFile: join(dataDir, "jobs", taskId, "data.ndjson"),
  });
  return { pty, sim, dataDir, devices, supervisor, host: supervisor.forDevice("furnace"), task };
}

function readings(file: string): { t: string; temperature: number; setpoint: number }[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function expectMonotonic(rows: { t: string }[]) {
  const times = rows.map((r) => Date.parse(r.t));
  for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
}

const finished = (host: { taskStatus(t: typeof target, id: string): Promise<TaskState> }, id: string) =>
  waitUntil(async () => {
    const state = await host.taskStatus(target, id);
    return state.state !== "running" ? state : undefined;
  }, `task ${id} to end`);

describe("driver host with the simulated instrument on a real pty", () => {
  it("answers *IDN? and reads and sets attributes with units through the driver", async () => {
    const { host } = await lab();
    const identity = await host.get(target, "identity");
    expect(identity.value).toBe("LABFLOW,SIM-TC1,furnace-sim,1.0");

    await host.set(target, "setpoint", 80);
    const setpoint = await host.get(target, "setpoint");
    expect(setpoint).toMatchObject({ name: "setpoint", value: 80, unit: "°C" });
    expect(Date.parse(setpoint.t)).not.toBeNaN();
    expect(await host.get(target, "temperature")).toMatchObject({ unit: "°C" });
    const attributes = await host.attributes(target);
    expect(attributes.find((a) => a.name === "rampRate")).toMatchObject({ unit: "K/min", rw: true });

    await expect(host.set(target, "temperature", 30)).rejects.toThrow(/attribute "temperature" is read-only/);
    await expect(host.set(target, "setpoint", 9000)).rejects.toThrow(
      /setpoint" must be between -50 and 400 °C/,
    );
    await expect(host.get(target, "pressure")).rejects.toThrow(/no attribute "pressure"/);
    await expect(host.get({ device: "furnace", channel: "2" }, "setpoint")).rejects.toThrow(
      /device "furnace" channel "2" is not registered/,
    );
  });

  it("appends about 20 readings with monotonic UTC timestamps for 2 s at 10 Hz, and a meta file", async () => {
    const { host, task } = await lab();
    const spec = task("acq-1", 2000, 100);
    expect((await host.taskStart(target, spec)).state).toBe("running");
    // Idempotent by task id: a second start finds the running task.
    expect((await host.taskStart(target, spec)).state).toBe("running");
    const end = await finished(host, "acq-1");
    expect(end.state).toBe("completed");
    const rows = readings(spec.dataFile);
    expect(rows.length).toBeGreaterThanOrEqual(19);
    expect(rows.length).toBeLessThanOrEqual(21);
    expect(end.readings).toBe(rows.length);
    expectMonotonic(rows);
    expect(rows[0]!.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const meta = JSON.parse(readFileSync(taskMetaPath(spec.dataFile), "utf8"));
    expect(meta).toMatchObject({
      device: "furnace",
      technique: "acquire",
      state: "completed",
      readings: rows.length,
    });
    expect(meta.columns).toContainEqual({ name: "temperature", unit: "°C" });
  });

  it("taskStop stops the acquisition on the instrument itself", async () => {
    const { host, task, sim } = await lab();
    const spec = task("acq-stop", 60_000, 50);
    const mark = sim.output().length;
    await host.taskStart(target, spec);
    await sim.waitForOutput(/acquisition started/, { from: mark });
    await waitUntil(async () => (await host.taskStatus(target, "acq-stop")).readings >= 5, "5 readings");
    const stopped = await host.taskStop(target, "acq-stop");
    expect(stopped.state).toBe("stopped");
    await sim.waitForOutput(/acquisition stopped \(ACQ:STOP\)/, { from: mark });
    expect((await host.get(target, "acquiring")).value).toBe(false);
    expect(readings(spec.dataFile).length).toBe(stopped.readings);
  });

  it("fails the task naming the device and port when the link disappears, keeps the data, and recovers", async () => {
    const { host, task, pty, sim } = await lab();
    const spec = task("acq-fault", 60_000, 50);
    await host.taskStart(target, spec);
    await waitUntil(async () => (await host.taskStatus(target, "acq-fault")).readings >= 5, "5 readings");
    await pty.kill();
    const end = await finished(host, "acq-fault");
    expect(end.state).toBe("failed");
    expect(end.message).toContain(`device "furnace" lost its serial link (port ${pty.devPath})`);
    const kept = readings(spec.dataFile);
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(kept.length).toBe(end.readings);
    await expect(host.get(target, "identity")).rejects.toThrow(/device "furnace" is not connected/);

    await pty.restart();
    await sim.waitForOutput(/listening on/, { from: sim.output().indexOf("waiting for it to come back") });
    const identity = await waitUntil(
      () => host.get(target, "identity").catch(() => undefined),
      "the driver to reopen the port",
    );
    expect(identity.value).toContain("SIM-TC1");
    const again = task("acq-after", 500, 50);
    await host.taskStart(target, again);
    expect((await finished(host, "acq-after")).state).toBe("completed");
  });

  it("ramp sets the setpoint before acquiring; unknown techniques and bad params are refused by name", async () => {
    const { host, task } = await lab();
    const ramp = { ...task("ramp-1", 300, 50), technique: "ramp", params: { setpoint: 120, rampRate: 30 } };
    await host.taskStart(target, ramp);
    expect((await finished(host, "ramp-1")).state).toBe("completed");
    expect(readings(ramp.dataFile).every((r) => r.setpoint === 120)).toBe(true);
    expect(await host.get(target, "rampRate")).toMatchObject({ value: 30, unit: "K/min" });

    await expect(host.taskStart(target, { ...task("t2", 300, 50), technique: "sinter" })).rejects.toThrow(
      'technique "sinter" is not offered by driver labflow-sim (offers: acquire, ramp)',
    );
    await expect(
      host.taskStart(target, { ...task("t3", 300, 50), technique: "ramp", params: { setpoint: 9000 } }),
    ).rejects.toThrow('param "setpoint" 9000 is outside [-50, 400]');
    await expect(host.taskStatus(target, "t2")).rejects.toThrow("unknown task t2");
  });

  it("refuses malformed socket requests with a message and keeps serving", async () => {
    const { dataDir, host } = await lab();
    const socket = connect(driverHostPaths(dataDir, "labflow-sim").socket);
    let answers = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => (answers += chunk));
    socket.write(
      'not json\n{"id":2,"method":"explode"}\n{"id":3,"method":"get","params":{"target":{"device":"furnace"}}}\n',
    );
    await waitUntil(() => answers.split("\n").length > 3, "three answers");
    socket.destroy();
    const lines = answers
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines[0].error.message).toMatch(/^not a JSON request/);
    expect(lines.find((l) => l.id === 2).error.message).toMatch(/^unknown method "explode"/);
    expect(lines.find((l) => l.id === 3).error.message).toMatch(/^get: target.channel: /);
    expect((await host.ping()).at).toBeTruthy();
  });

  it("respawns a SIGKILLed driver host, which reports a task it lost as unknown", async () => {
    const { host, task, supervisor } = await lab();
    await host.taskStart(target, task("lost-task", 60_000, 100));
    const before = supervisor.hostInfo("labflow-sim")!;
    process.kill(before.pid, "SIGKILL");
    await waitUntil(() => {
      const now = supervisor.hostInfo("labflow-sim");
      return now && now.pid !== before.pid;
    }, "a new driver host");
    await expect(host.taskStatus(target, "lost-task")).rejects.toThrow("unknown task lost-task");
    // Re-registered: the device works through the new host.
    expect((await host.get(target, "identity")).value).toContain("SIM-TC1");
  });

  it("kills and replaces a host that stopped answering pings", async () => {
    const { host, supervisor } = await lab();
    const deaf = supervisor.hostInfo("labflow-sim")!;
    const lost: string[] = [];
    supervisor.on("lost", (_type, reason) => lost.push(reason));
    process.kill(deaf.pid, "SIGSTOP");
    await waitUntil(() => supervisor.hostInfo("labflow-sim")!.pid !== deaf.pid, "a replacement host");
    expect(lost.some((reason) => reason.startsWith("missed 3 pings"))).toBe(true);
    expect(() => process.kill(deaf.pid, 0)).toThrow();
    expect((await host.get(target, "identity")).value).toContain("SIM-TC1");
  });

  it("a new supervisor (server restart) reattaches to the living host and the task carries on without loss", async () => {
    const { host, task, supervisor, dataDir, devices } = await lab();
    const spec = task("survivor", 2000, 100);
    await host.taskStart(target, spec);
    const pid = supervisor.hostInfo("labflow-sim")!.pid;
    await supervisor.close();
    supervisors.splice(supervisors.indexOf(supervisor), 1);

    const next = await DriverSupervisor.start({ dataDir, devices, heartbeatMs: 250 });
    supervisors.push(next);
    expect(next.hostInfo("labflow-sim")!.pid).toBe(pid);
    const end = await finished(next.forDevice("furnace"), "survivor");
    expect(end.state).toBe("completed");
    const rows = readings(spec.dataFile);
    expect(rows.length).toBeGreaterThanOrEqual(19);
    expect(rows.length).toBeLessThanOrEqual(21);
    expectMonotonic(rows);
  });
});

describe("stopDriverHosts", () => {
  it("ends the hosts of a data folder that no supervisor holds any more", async () => {
    const { supervisor, dataDir } = await lab();
    const pid = supervisor.hostInfo("labflow-sim")!.pid;
    await supervisor.close();
    expect(await stopDriverHosts(dataDir)).toEqual([pid]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await stopDriverHosts(dataDir)).toEqual([]);
  });
});
