/**
 * The DriverHostApi a driver host answers, over its two parts: the component registry (device
 * channels and their serial links, component-registry.ts) and the task runner (acquisitions and
 * their data files, task-runner.ts). It lives in the driver host process, which outlives the server.
 */
import type { AttributeReading, InstrumentTarget, TaskState } from "../../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec, DriverHostApi, DriverTask } from "../protocol/driver-api.js";
import { ComponentRegistry, describeTarget, keyOf } from "./component-registry.js";
import type { TaskTableOptions } from "./driver-host-tasks.js";
import type { DriverImplementation } from "./driver-implementation.js";
import { TaskRunner } from "./task-runner.js";

export class DriverHostService implements DriverHostApi {
  private readonly startedAt = new Date().toISOString();
  private readonly components: ComponentRegistry;
  private readonly tasks: TaskRunner;

  constructor(
    private readonly driver: DriverImplementation,
    private readonly log: (message: string) => void,
    options: TaskTableOptions = {},
  ) {
    // Each part needs a little of the other: the registry refuses to re-register a busy channel,
    // and a lost link fails the tasks on it.
    this.components = new ComponentRegistry(driver, log, {
      busyTaskOn: (key) => this.tasks.busyTaskOn(key),
      linkLost: (line, reason) => this.tasks.linkLost(line, reason),
    });
    this.tasks = new TaskRunner(driver, this.components, log, this.startedAt, options);
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

  register(spec: ComponentSpec): Promise<void> {
    return this.components.register(spec);
  }

  async attributes(target: InstrumentTarget): Promise<AttributeInfo[]> {
    return this.components.attributes(target);
  }

  get(target: InstrumentTarget, name: string): Promise<AttributeReading> {
    return this.components.get(target, name);
  }

  set(target: InstrumentTarget, name: string, value: number | string | boolean): Promise<void> {
    return this.components.set(target, name, value);
  }

  taskStart(target: InstrumentTarget, task: DriverTask): Promise<TaskState> {
    return this.tasks.start(target, task);
  }

  async taskStatus(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    return this.tasks.status(taskId);
  }

  taskStop(_target: InstrumentTarget, taskId: string): Promise<TaskState> {
    return this.tasks.stop(taskId);
  }

  /** Resets the device; a task running on the channel ends `stopped` (the reset stops it). */
  async reset(target: InstrumentTarget): Promise<void> {
    const registered = this.components.connected(target);
    this.tasks.endTaskOn(keyOf(target), { state: "stopped", message: "the device was reset" });
    await registered.component.reset();
    this.log(`${describeTarget(target)} reset`);
  }

  /** Stops every acquisition and closes the ports (the host is shutting down). */
  async close(): Promise<void> {
    await this.tasks.close();
    await this.components.closeLines();
  }
}
