/**
 * The driver host's registered components (device channels) and their serial links: one link per
 * port, shared by a device's channels, opened on the first registration and closed when no
 * component uses it any more. Attribute reads and writes are checked against the driver's
 * descriptor here. Tasks live in the task runner (task-runner.ts), which this file only asks
 * whether a channel is busy and tells when a link is lost.
 */
import type { AttributeReading, InstrumentTarget } from "../../../modules/sdk/instruments.js";
import type { AttributeInfo, ComponentSpec } from "../protocol/driver-api.js";
import type { DriverComponent, DriverImplementation } from "./driver-implementation.js";
import type { SerialLine } from "./serial-line.js";

export interface RegisteredComponent {
  spec: ComponentSpec;
  component: DriverComponent;
  line: SerialLine;
}

/** The key of a device channel: `device\0channel`. */
export const keyOf = (target: InstrumentTarget): string => `${target.device}\0${target.channel}`;

/** `device "furnace" channel "1"`, for messages. */
export const describeTarget = (target: InstrumentTarget): string =>
  `device "${target.device}" channel "${target.channel}"`;

export interface ComponentRegistryHooks {
  /** The task still busy on a channel, if any: its registration cannot change meanwhile. */
  busyTaskOn(key: string): string | undefined;
  /** A serial link disappeared (adapter pulled): the tasks on it fail. */
  linkLost(line: SerialLine, reason: string): void;
}

export class ComponentRegistry {
  private readonly lines = new Map<string, SerialLine>();
  private readonly components = new Map<string, RegisteredComponent>();

  constructor(
    private readonly driver: DriverImplementation,
    private readonly log: (message: string) => void,
    private readonly hooks: ComponentRegistryHooks,
  ) {}

  private get driverType(): string {
    return this.driver.descriptor.type;
  }

  /** Registers (or re-registers with new settings) a channel; the same spec again changes nothing. */
  async register(spec: ComponentSpec): Promise<void> {
    const key = keyOf(spec);
    const existing = this.components.get(key);
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return;
    this.driver.checkSpec(spec);
    const busy = this.hooks.busyTaskOn(key);
    if (existing && busy)
      throw new Error(`${describeTarget(spec)}: cannot change its registration while task ${busy} runs`);
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
    this.log(`registered ${describeTarget(spec)} on ${spec.address}`);
    if (fresh) await line.port.start();
  }

  /** The component of a channel, when it is registered. */
  find(key: string): RegisteredComponent | undefined {
    return this.components.get(key);
  }

  /** The component of a channel; throws when it is not registered. */
  require(target: InstrumentTarget): RegisteredComponent {
    const registered = this.components.get(keyOf(target));
    if (!registered)
      throw new Error(`${describeTarget(target)} is not registered with driver host ${this.driverType}`);
    return registered;
  }

  /** The component of a channel whose port is open; throws saying why not. */
  connected(target: InstrumentTarget): RegisteredComponent {
    const registered = this.require(target);
    if (!registered.line.port.isOpen)
      throw new Error(
        `device "${target.device}" is not connected (port ${registered.spec.address}): ${registered.line.port.problem}`,
      );
    return registered;
  }

  attributes(target: InstrumentTarget): AttributeInfo[] {
    this.require(target);
    return this.driver.descriptor.attributes;
  }

  async get(target: InstrumentTarget, name: string): Promise<AttributeReading> {
    const registered = this.connected(target);
    this.attribute(target, name);
    return registered.component.get(name);
  }

  /** Writes an attribute after checking it is writable, of its type and within its limits. */
  async set(target: InstrumentTarget, name: string, value: number | string | boolean): Promise<void> {
    const info = this.attribute(target, name);
    const where = `${describeTarget(target)}: attribute "${name}"`;
    if (!info.rw) throw new Error(`${where} is read-only`);
    if (typeof value !== info.type)
      throw new Error(`${where} takes a ${info.type}, not ${JSON.stringify(value)}`);
    if (typeof value === "number" && (value < (info.min ?? -Infinity) || value > (info.max ?? Infinity)))
      throw new Error(
        `${where} must be between ${info.min} and ${info.max}${info.unit ? ` ${info.unit}` : ""} (got ${value})`,
      );
    const registered = this.connected(target);
    await registered.component.set(name, value);
    this.log(`${describeTarget(target)}: ${name} = ${value}`);
  }

  /** Closes every port (the host is shutting down). */
  async closeLines(): Promise<void> {
    for (const line of this.lines.values()) await line.port.close();
  }

  private attribute(target: InstrumentTarget, name: string): AttributeInfo {
    this.require(target);
    const { attributes } = this.driver.descriptor;
    const info = attributes.find((a) => a.name === name);
    if (!info)
      throw new Error(
        `${describeTarget(target)}: no attribute "${name}" (driver ${this.driverType} has: ${attributes.map((a) => a.name).join(", ")})`,
      );
    return info;
  }

  private watch(line: SerialLine): void {
    line.port.on("lost", (reason) => {
      this.log(`${reason}; reopening it when it comes back`);
      this.hooks.linkLost(line, reason);
    });
    line.port.on("open", () => this.log(`serial port ${line.path} open`));
    line.port.on("unavailable", (reason) => this.log(`${reason}; retrying`));
    line.port.on("warning", (message) => this.log(message));
  }

  private closeUnusedLine(address: string): void {
    if ([...this.components.values()].some((r) => r.spec.address === address)) return;
    void this.lines.get(address)?.port.close();
    this.lines.delete(address);
  }
}
