/**
 * The device layer on real parts: a socat pty pair, the simulated instrument as a real process on
 * one end, and a real detached driver host process (spawned by the supervisor) on the other.
 */
import { lstatSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TaskState } from "../../../modules/sdk/instruments.js";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import { type DevicesConfig, parseDevicesText } from "../../../server/devices/lab/devices-file.js";
import { DriverSupervisor } from "../../../server/devices/lab/driver-supervisor.js";
import { stopDriverHosts } from "../../../server/devices/lab/stop-driver-hosts.js";
import type { DriverTask } from "../../../server/devices/protocol/driver-api.js";
import { driverHostPaths } from "../../../server/devices/protocol/driver-host-paths.js";
import { taskMetaPath } from "../../../server/devices/protocol/task-files.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { startSimulator } from "../../helpers/simulator-process.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";

const target = { device: "furnace", channel: "1" };
const supervisors: DriverSupervisor[] = [];

afterEach(async () => {
  for (const supervisor of supervisors.splice(0)) await supervisor.stopAll();
});

async function lab(options: { dataDir?: string; settings?: Record<string, unknown> } = {}) {
  const pty = await startPtyPair();
  const sim = await startSimulator(pty.simPath, "furnace-sim");
  const dataDir = options.dataDir ?? tempDir();
  const parsed = parseDevicesText(
    JSON.stringify({
      devices: [
        { name: "furnace", driver: "labflow-sim", address: pty.devPath, channels: ["1"], pollMs: 200 },
      ],
      pipelines: [{ name: "p1", roles: { heater: { device: "furnace", channel: "1" } } }],
    }),
  );
  // Settings the devices file does not check, as they reach the driver host.
  const devices: DevicesConfig = options.settings
    ? { ...parsed, devices: parsed.devices.map((d) => ({ ...d, settings: options.settings! })) }
    : parsed;
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

  it("ramp sets the setpoint before acquiring", async () => {
    const { host, task } = await lab();
    const ramp = { ...task("ramp-1", 300, 50), technique: "ramp", params: { setpoint: 120, rampRate: 30 } };
    await host.taskStart(target, ramp);
    expect((await finished(host, "ramp-1")).state).toBe("completed");
    expect(readings(ramp.dataFile).every((r) => r.setpoint === 120)).toBe(true);
    expect(await host.get(target, "rampRate")).toMatchObject({ value: 30, unit: "K/min" });
  });

  it("a task that can never run (unknown technique, param out of limits) fails at once, saying why and that retrying cannot help", async () => {
    const { host, task } = await lab();
    const never = "; this task can never run as asked (retrying cannot help)";
    const sinter = await host.taskStart(target, { ...task("t2", 300, 50), technique: "sinter" });
    expect(sinter).toEqual({
      state: "failed",
      readings: 0,
      message: `device "furnace" channel "1" refused task t2 (sinter): technique "sinter" is not offered by driver labflow-sim (offers: acquire, ramp)${never}`,
    });
    // Kept: a later check (or a restarted server) reads the same reason.
    expect(await host.taskStatus(target, "t2")).toEqual(sinter);
    const hot = await host.taskStart(target, {
      ...task("t3", 300, 50),
      technique: "ramp",
      params: { setpoint: 9000 },
    });
    expect(hot.message).toBe(
      `device "furnace" channel "1" refused task t3 (ramp): param "setpoint" 9000 is outside [-50, 400]${never}`,
    );
  });

  it("fails a task whose data file cannot be written (disk full), saying so, and stops the instrument", async () => {
    const { host, task, sim } = await lab();
    const spec = task("full-disk", 60_000, 50);
    mkdirSync(dirname(spec.dataFile), { recursive: true });
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    symlinkSync("/dev/full", spec.dataFile);
    const mark = sim.output().length;
    await host.taskStart(target, spec);
    const end = await finished(host, "full-disk");
    expect(end).toMatchObject({ state: "failed", readings: 0 });
    expect(end.message).toMatch(
      new RegExp(`^cannot write ${spec.dataFile}: ENOSPC: no space left on device, write; 0 readings kept$`),
    );
    await sim.waitForOutput(/acquisition stopped \(ACQ:STOP\)/, { from: mark });
    expect((await host.get(target, "acquiring")).value).toBe(false);
    const meta = JSON.parse(readFileSync(taskMetaPath(spec.dataFile), "utf8"));
    expect(meta).toMatchObject({ state: "failed", message: end.message });
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
    // Killed: it may stay a zombie for a moment, until it is reaped.
    await waitUntil(() => !isProcessAlive(deaf.pid), "the deaf host to be gone");
    expect((await host.get(target, "identity")).value).toContain("SIM-TC1");
  });

  it("names why a component's registration failed when it is then used", async () => {
    const { host } = await lab({ settings: { timeoutMs: "soon" } });
    await expect(host.get(target, "identity")).rejects.toThrow(
      'device "furnace" channel "1" is not registered with driver host labflow-sim (registering it failed: device "furnace" channel "1": settings.timeoutMs must be a number of ms in (0, 60000] (got "soon"))',
    );
  });

  it("puts the socket of a data folder too deep for a unix socket path in this user's 0700 folder", async () => {
    const dataDir = join(tempDir(), "a-rather-long-folder-name-for-a-lab".repeat(3));
    const { host } = await lab({ dataDir });
    const socket = driverHostPaths(dataDir, "labflow-sim").socket;
    expect(socket.startsWith(dataDir)).toBe(false);
    expect(lstatSync(dirname(socket)).mode & 0o777).toBe(0o700);
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
    await waitUntil(() => !isProcessAlive(pid), "the host to be gone");
    expect(await stopDriverHosts(dataDir)).toEqual([]);
  });
});
