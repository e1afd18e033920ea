/**
 * The driver host's state and the DriverHostApi it answers: the registered components (device
 * channels), one serial link per port (shared by a device's channels), and the tasks with their
 * data files. It lives in the driver host process, which outlives the server.
 */
import { existsSync, statSync } from "node:fs";
import type { AttributeReading, InstrumentTarget, TaskState } from "../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "./driver-api.js";
import type { DriverComponent, DriverImplementation } from "./driver-implementation.js";
import type { SerialLine } from "./serial-line.js";
import { DataFileAppender, type TaskMeta, writeTaskMeta } from "./task-files.js";

interface Registered {
  spec: ComponentSpec;
  component: DriverComponent;
  line: SerialLine;
}

interface TaskRecord {
  task: DriverTask;
  target: InstrumentTarget;
  key: string;
  state: TaskState["state"];
  message?: string;
  appender: DataFileAppender;
  meta: TaskMeta;
  lastReadingAt: number;
  timers: NodeJS.Timeout[];
}

const keyOf = (target: InstrumentTarget) => `${target.device}\0${target.channel}`;
const describe = (target: InstrumentTarget) => `device "${target.device}" channel "${target.channel}"`;

export class DriverHostService implements DriverHostApi {
  private readonly startedAt = new Date().toISOString();
  private readonly lines = new Map<string, SerialLine>();
  private readonly components = new Map<string, Registered>();
  private readonly tasks = new Map<string, TaskRecord>();

  constructor(
    private readonly driver: DriverImplementation,
    private readonly log: (message: string) => void,
  ) {}

  get driverType(): string {
    return this.driver.descriptor.type;
  }

  async hello() {
    return { driverType: this.driverType, pid: process.pid, startedAt: this.startedAt };
  }

  async ping() {
    return { at: new Date().toISOString() };
  }

  async register(spec: ComponentSpec): Promise<void> {
    const key = keyOf(spec);
    const existing = this.components.get(key);
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return;
    const busy = this.runningTaskOn(key);
    if (existing && busy)
      throw new Error(
        `${describe(spec)}: cannot change its registration while task ${busy.task.taskId} runs`,
      );
    existing?.component.dispose();
    let line = this.lines.get(spec.address);
    const fresh = !line;
    if (!line) {
      line = this.driver.openLine(spec);
      this.watch(line);
      this.lines.set(spec.address, line);
    }
    this.components.set(key, { spec, component: this.driver.createComponent(spec, line), line });
    if (existing && existing.spec.address !== spec.address) this.closeUnusedLine(existing.spec.address);
    this.log(`registered ${describe(spec)} on ${spec.address}`);
    if (fresh) await line.port.start();
  }

  async attributes(target: InstrumentTarget): Promise<AttributeInfo[]> {
    this.require(target);
    return this.driver.descriptor.attributes;
  }

  async get(target: InstrumentTarget, name: string): Promise<AttributeReading> {
    const registered = this.connected(target);
    this.attribute(target, name);
    return registered.component.get(name);
  }

  async set(target: InstrumentTarget, name: string, value: number | string | boolean): Promise<void> {
    const info = this.attribute(target, name);
    const where = `${describe(target)}: attribute "${name}"`;
    if (!info.rw) throw new Error(`${where} is read-only`);
    if (typeof value !== info.type)
      throw new Error(`${where} takes a ${info.type}, not ${JSON.stringify(value)}`);
    if (typeof value === "number" && (value < (info.min ?? -Infinity) || value > (info.max ?? Infinity)))
      throw new Error(
        `${where} must be between ${info.min} and ${info.max}${info.unit ? ` ${info.unit}` : ""} (got ${value})`,
      );
    const registered = this.connected(target);
    await registered.component.set(name, value);
    this.log(`${describe(target)}: ${name} = ${value}`);
  }

  async taskStart(target: InstrumentTarget, task: DriverTask): Promise<TaskState> {
    const known = this.tasks.get(task.taskId);
    if (known) {
      if (known.key !== keyOf(target))
        throw new Error(
          `task ${task.taskId} already runs on ${describe(known.target)}, not ${describe(target)}`,
        );
      return this.stateOf(known);
    }
    const registered = this.connected(target);
    const busy = this.runningTaskOn(keyOf(target));
    if (busy) throw new Error(`${describe(target)} is busy with task ${busy.task.taskId}`);
    registered.component.checkTask(task);
    if (existsSync(task.dataFile) && statSync(task.dataFile).size > 0)
      throw new Error(
        `task ${task.taskId}: ${task.dataFile} already holds readings from an earlier start that this driver host does not know; not starting it twice`,
      );
    const appender = new DataFileAppender(task.dataFile);
    const meta: TaskMeta = {
      taskId: task.taskId,
      driver: this.driverType,
      device: target.device,
      channel: target.channel,
      address: registered.spec.address,
      technique: task.technique,
      params: task.params,
      durationMs: task.durationMs,
      samplingMs: task.samplingMs,
      columns: [{ name: "t", unit: "ISO 8601 UTC" }, ...this.driver.columns],
      startedAt: new Date().toISOString(),
      state: "running",
    };
    writeTaskMeta(task.dataFile, meta);
    const record: TaskRecord = {
      task,
      target,
      key: keyOf(target),
      state: "running",
      appender,
      meta,
      lastReadingAt: Date.now(),
      timers: [],
    };
    this.tasks.set(task.taskId, record);
    try {
      await registered.component.start(task, {
        readings: (readings) => {
          if (record.state !== "running") return;
          record.appender.append(readings);
          record.lastReadingAt = Date.now();
        },
        done: () => this.finish(record, "completed"),
      });
    } catch (error) {
      this.finish(
        record,
        "failed",
        `${describe(target)} did not start the acquisition: ${(error as Error).message}`,
      );
      this.tasks.delete(task.taskId);
      throw new Error(
        `task ${task.taskId}: ${describe(target)} did not start the acquisition: ${(error as Error).message}`,
      );
    }
    this.watchdog(record);
    this.log(
      `task ${task.taskId} started on ${describe(target)} (${task.technique}, ${task.durationMs} ms at ${task.samplingMs} ms)`,
    );
    return this.stateOf(record);
  }

  async taskStatus(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    return this.stateOf(this.task(taskId));
  }

  async taskStop(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    const record = this.task(taskId);
    if (record.state !== "running") return this.stateOf(record);
    const registered = this.components.get(record.key);
    let message: string | undefined;
    try {
      await registered?.component.stop();
    } catch (error) {
      message = `the stop command failed: ${(error as Error).message}`;
    }
    // Readings that arrived before the instrument confirmed the stop are in the file already.
    this.finish(record, "stopped", message);
    return this.stateOf(record);
  }

  async reset(target: InstrumentTarget): Promise<void> {
    const registered = this.connected(target);
    const running = this.runningTaskOn(keyOf(target));
    if (running) this.finish(running, "stopped", "the device was reset");
    await registered.component.reset();
    this.log(`${describe(target)} reset`);
  }

  /** Stops every acquisition and closes the ports (the host is shutting down). */
  async close(): Promise<void> {
    for (const record of this.tasks.values())
      if (record.state === "running") {
        await this.components
          .get(record.key)
          ?.component.stop()
          .catch(() => undefined);
        this.finish(record, "failed", "the driver host was shut down");
      }
    for (const line of this.lines.values()) await line.port.close();
  }

  private watch(line: SerialLine): void {
    line.port.on("lost", (reason) => {
      this.log(`${reason}; reopening it when it comes back`);
      for (const record of this.tasks.values()) {
        const registered = this.components.get(record.key);
        if (record.state !== "running" || registered?.line !== line) continue;
        this.finish(
          record,
          "failed",
          `device "${record.target.device}" lost its serial link (port ${line.path}): ${reason}; ${record.appender.count} readings kept in ${record.task.dataFile}`,
        );
      }
    });
    line.port.on("open", () => this.log(`serial port ${line.path} open`));
    line.port.on("unavailable", (reason) => this.log(`${reason}; retrying`));
  }

  /** Fails a task whose instrument went silent, or that runs far past its duration. */
  private watchdog(record: TaskRecord): void {
    const { samplingMs, durationMs } = record.task;
    const silence = Math.max(5000, 10 * samplingMs);
    record.timers.push(
      setInterval(
        () => {
          const quiet = Date.now() - record.lastReadingAt;
          if (quiet > silence)
            this.finish(
              record,
              "failed",
              `${describe(record.target)} sent no reading for ${Math.round(quiet / 1000)} s; ${record.appender.count} readings kept`,
            );
        },
        Math.min(silence, 1000),
      ),
      setTimeout(
        () =>
          this.finish(
            record,
            "failed",
            `${describe(record.target)} did not finish within ${durationMs + silence} ms; ${record.appender.count} readings kept`,
          ),
        durationMs + silence,
      ),
    );
  }

  private finish(record: TaskRecord, state: TaskState["state"], message?: string): void {
    if (record.state !== "running") return;
    record.state = state;
    record.message = message;
    for (const timer of record.timers) clearTimeout(timer);
    record.appender.close();
    this.components.get(record.key)?.component.dispose();
    record.meta = {
      ...record.meta,
      state,
      endedAt: new Date().toISOString(),
      readings: record.appender.count,
      ...(message ? { message } : {}),
    };
    try {
      writeTaskMeta(record.task.dataFile, record.meta);
    } catch (error) {
      this.log(`task ${record.task.taskId}: could not write its meta file: ${(error as Error).message}`);
    }
    this.log(
      `task ${record.task.taskId} ${state} with ${record.appender.count} readings${message ? `: ${message}` : ""}`,
    );
  }

  private stateOf(record: TaskRecord): TaskState {
    const state: TaskState = { state: record.state, readings: record.appender.count };
    if (record.message) state.message = record.message;
    return state;
  }

  private task(taskId: string): TaskRecord {
    const record = this.tasks.get(taskId);
    if (!record) throw new Error(`unknown task ${taskId}`);
    return record;
  }

  private runningTaskOn(key: string): TaskRecord | undefined {
    for (const record of this.tasks.values())
      if (record.key === key && record.state === "running") return record;
    return undefined;
  }

  private require(target: InstrumentTarget): Registered {
    const registered = this.components.get(keyOf(target));
    if (!registered)
      throw new Error(`${describe(target)} is not registered with driver host ${this.driverType}`);
    return registered;
  }

  private connected(target: InstrumentTarget): Registered {
    const registered = this.require(target);
    if (!registered.line.port.isOpen)
      throw new Error(
        `device "${target.device}" is not connected (port ${registered.spec.address}): ${registered.line.port.problem}`,
      );
    return registered;
  }

  private attribute(target: InstrumentTarget, name: string): AttributeInfo {
    this.require(target);
    const info = this.driver.descriptor.attributes.find((a) => a.name === name);
    if (!info)
      throw new Error(
        `${describe(target)}: no attribute "${name}" (driver ${this.driverType} has: ${this.driver.descriptor.attributes.map((a) => a.name).join(", ")})`,
      );
    return info;
  }

  private closeUnusedLine(address: string): void {
    if ([...this.components.values()].some((r) => r.spec.address === address)) return;
    void this.lines.get(address)?.port.close();
    this.lines.delete(address);
  }
}
