/**
 * The driver host's state and the DriverHostApi it answers: the registered components (device
 * channels), one serial link per port (shared by a device's channels), and the tasks with their
 * data files (driver-host-tasks.ts). It lives in the driver host process, which outlives the server.
 */
import { existsSync, statSync } from "node:fs";
import type { AttributeReading, InstrumentTarget, TaskState } from "../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "./driver-api.js";
import { readingsOf, type TaskRecord, TaskTable, type TaskTableOptions } from "./driver-host-tasks.js";
import {
  type DriverComponent,
  type DriverImplementation,
  type Reading,
  TaskRefusal,
} from "./driver-implementation.js";
import type { SerialLine } from "./serial-line.js";
import { DataFileAppender, type TaskMeta, writeTaskMeta } from "./task-files.js";

interface Registered {
  spec: ComponentSpec;
  component: DriverComponent;
  line: SerialLine;
}

const keyOf = (target: InstrumentTarget) => `${target.device}\0${target.channel}`;
const describe = (target: InstrumentTarget) => `device "${target.device}" channel "${target.channel}"`;

export class DriverHostService implements DriverHostApi {
  private readonly startedAt = new Date().toISOString();
  private readonly lines = new Map<string, SerialLine>();
  private readonly components = new Map<string, Registered>();
  private readonly tasks: TaskTable;
  private readonly now: () => number;

  constructor(
    private readonly driver: DriverImplementation,
    private readonly log: (message: string) => void,
    options: TaskTableOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.tasks = new TaskTable(options);
  }

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
    this.driver.checkSpec(spec);
    const busy = this.tasks.busyOn(key);
    if (existing && busy)
      throw new Error(
        `${describe(spec)}: cannot change its registration while task ${busy.task.taskId} runs`,
      );
    existing?.component.dispose();
    let line = this.lines.get(spec.address);
    const fresh = !line;
    if (!line) {
      line = this.driver.openLine(spec, this.log);
      this.watch(line);
      this.lines.set(spec.address, line);
    }
    this.components.set(key, { spec, component: this.driver.createComponent(spec, line, this.log), line });
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
    const known = this.tasks.find(task.taskId);
    if (known) {
      if (known.key !== keyOf(target))
        throw new Error(
          `task ${task.taskId} already runs on ${describe(known.target)}, not ${describe(target)}`,
        );
      return this.stateOf(known);
    }
    const registered = this.connected(target);
    const key = keyOf(target);
    const busy = this.tasks.busyOn(key);
    if (busy) throw new Error(`${describe(target)} is busy with task ${busy.task.taskId}`);
    this.tasks.pruneFinished(key);
    try {
      registered.component.checkTask(task);
    } catch (error) {
      if (!(error instanceof TaskRefusal)) throw error;
      return this.refuse(target, task, error);
    }
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
      startedAt: new Date(this.now()).toISOString(),
      state: "running",
    };
    writeTaskMeta(task.dataFile, meta);
    const record: TaskRecord = {
      task,
      target,
      key,
      state: "running",
      appender,
      meta,
      lastReadingAt: Date.now(),
      timers: [],
    };
    this.tasks.add(record);
    record.starting = this.startOnInstrument(record, registered).finally(() => {
      record.starting = undefined;
    });
    await record.starting;
    return this.stateOf(record);
  }

  async taskStatus(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    return this.stateOf(this.tasks.get(taskId, this.startedAt));
  }

  async taskStop(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    const record = this.tasks.get(taskId, this.startedAt);
    if (record.starting) {
      // A stop sent now would reach the instrument before the start still on its way: the task
      // ends here, and startOnInstrument stops the instrument as soon as it accepted the start
      // (the channel stays busy until then). Not waited for: an instrument slow to answer the
      // start must not make the stop time out.
      this.finish(record, "stopped");
      return this.stateOf(record);
    }
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
    const running = this.tasks.busyOn(keyOf(target));
    if (running) this.finish(running, "stopped", "the device was reset");
    await registered.component.reset();
    this.log(`${describe(target)} reset`);
  }

  /** Stops every acquisition and closes the ports (the host is shutting down). */
  async close(): Promise<void> {
    for (const record of this.tasks.all())
      if (record.state === "running") {
        await this.components
          .get(record.key)
          ?.component.stop()
          .catch(() => undefined);
        this.finish(record, "failed", "the driver host was shut down");
      }
    for (const line of this.lines.values()) await line.port.close();
  }

  /**
   * Tells the instrument to start and settles the task on what happened. Never rejects: a start
   * that failed leaves the task `failed` with the reason, and the instrument told to stop (it may
   * have started all the same, e.g. when only the reply was lost). A task stopped (or failed)
   * while the start was on its way is stopped on the instrument once it accepted the start.
   */
  private async startOnInstrument(record: TaskRecord, registered: Registered): Promise<void> {
    const { task, target } = record;
    try {
      await registered.component.start(task, {
        readings: (readings) => this.store(record, readings),
        done: () => this.finish(record, "completed"),
      });
    } catch (error) {
      this.finish(
        record,
        "failed",
        `${describe(target)} did not start the acquisition: ${(error as Error).message}`,
      );
      await this.stopInstrument(record, registered, "its start failed");
      return;
    }
    if (record.state !== "running") {
      const failure = await this.stopInstrument(
        record,
        registered,
        `the task ${record.state} while starting`,
      );
      if (failure && !record.message) {
        record.message = failure;
        this.writeFinalMeta(record);
      }
      return;
    }
    this.watchdog(record);
    this.log(
      `task ${task.taskId} started on ${describe(target)} (${task.technique}, ${task.durationMs} ms at ${task.samplingMs} ms)`,
    );
  }

  /** Appends readings to the task's data file; a file that cannot take them (disk full) fails the task. */
  private store(record: TaskRecord, readings: Reading[]): void {
    if (record.state !== "running" || !record.appender) return;
    try {
      record.appender.append(readings);
    } catch (error) {
      this.failAndStop(
        record,
        `cannot write ${record.task.dataFile}: ${(error as Error).message}; ${readingsOf(record)} readings kept`,
      );
      return;
    }
    record.lastReadingAt = Date.now();
  }

  /** Fails a running task for a reason of the host's, and stops its acquisition on the instrument. */
  private failAndStop(record: TaskRecord, message: string): void {
    if (record.state !== "running") return;
    this.finish(record, "failed", message);
    // A start still on its way stops the instrument itself once accepted (startOnInstrument).
    if (record.starting) return;
    const registered = this.components.get(record.key);
    if (!registered) return;
    record.stopping = this.stopInstrument(record, registered, "the task failed").then(() => {
      record.stopping = undefined;
    });
  }

  /** Sends the stop; resolves with what went wrong, if anything (it is logged too). */
  private async stopInstrument(
    record: TaskRecord,
    registered: Registered,
    why: string,
  ): Promise<string | undefined> {
    try {
      await registered.component.stop();
      this.log(`task ${record.task.taskId}: acquisition stopped on ${describe(record.target)} (${why})`);
      return undefined;
    } catch (error) {
      const failure = `the stop command failed: ${(error as Error).message}`;
      this.log(`task ${record.task.taskId}: ${failure}`);
      return failure;
    }
  }

  /** Keeps a task that can never run as asked as `failed`, saying so; nothing was started or written. */
  private refuse(target: InstrumentTarget, task: DriverTask, refusal: Error): TaskState {
    const record: TaskRecord = {
      task,
      target,
      key: keyOf(target),
      state: "running",
      appender: undefined,
      meta: undefined,
      lastReadingAt: Date.now(),
      timers: [],
    };
    this.tasks.add(record);
    this.finish(
      record,
      "failed",
      `${describe(target)} refused ${refusal.message}; this task can never run as asked (retrying cannot help)`,
    );
    return this.stateOf(record);
  }

  private watch(line: SerialLine): void {
    line.port.on("lost", (reason) => {
      this.log(`${reason}; reopening it when it comes back`);
      for (const record of this.tasks.all()) {
        const registered = this.components.get(record.key);
        if (record.state !== "running" || registered?.line !== line) continue;
        this.finish(
          record,
          "failed",
          `device "${record.target.device}" lost its serial link (port ${line.path}): ${reason}; ${readingsOf(record)} readings kept in ${record.task.dataFile}`,
        );
      }
    });
    line.port.on("open", () => this.log(`serial port ${line.path} open`));
    line.port.on("unavailable", (reason) => this.log(`${reason}; retrying`));
    line.port.on("warning", (message) => this.log(message));
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
            this.failAndStop(
              record,
              `${describe(record.target)} sent no reading for ${Math.round(quiet / 1000)} s; ${readingsOf(record)} readings kept`,
            );
        },
        Math.min(silence, 1000),
      ),
      setTimeout(
        () =>
          this.failAndStop(
            record,
            `${describe(record.target)} did not finish within ${durationMs + silence} ms; ${readingsOf(record)} readings kept`,
          ),
        durationMs + silence,
      ),
    );
  }

  private finish(record: TaskRecord, state: TaskState["state"], message?: string): void {
    if (record.state !== "running") return;
    record.state = state;
    record.message = message;
    record.endedAt = this.now();
    for (const timer of record.timers) clearTimeout(timer);
    record.appender?.close();
    this.components.get(record.key)?.component.dispose();
    this.writeFinalMeta(record);
    this.log(
      `task ${record.task.taskId} ${state} with ${readingsOf(record)} readings${message ? `: ${message}` : ""}`,
    );
  }

  private writeFinalMeta(record: TaskRecord): void {
    if (!record.meta) return;
    record.meta = {
      ...record.meta,
      state: record.state,
      endedAt: new Date(record.endedAt ?? this.now()).toISOString(),
      readings: readingsOf(record),
      ...(record.message ? { message: record.message } : {}),
    };
    try {
      writeTaskMeta(record.task.dataFile, record.meta);
    } catch (error) {
      this.log(`task ${record.task.taskId}: could not write its meta file: ${(error as Error).message}`);
    }
  }

  private stateOf(record: TaskRecord): TaskState {
    const state: TaskState = { state: record.state, readings: readingsOf(record) };
    if (record.message) state.message = record.message;
    return state;
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
