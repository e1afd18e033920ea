/**
 * What a driver type implements inside its host process. The host (component-registry.ts, task-runner.ts) owns the
 * ports, the tasks and the data files; a driver only knows how to talk to its instrument.
 */
import type { AttributeReading } from "../../../modules/sdk/instruments.js";
import type { ComponentSpec, DriverDescriptor, DriverTask } from "../protocol/driver-api.js";
import type { SerialLine } from "./serial-line.js";

/** One reading as it goes into the data file: `t` (ISO UTC) and one number per quantity. */
export interface Reading {
  t: string;
  [quantity: string]: number | string;
}

export interface AcquisitionEvents {
  readings(readings: Reading[]): void;
  /** The instrument finished the acquisition by itself. */
  done(): void;
}

export interface DriverComponent {
  get(name: string): Promise<AttributeReading>;
  /** `value` is already checked against the descriptor (rw, type, limits). */
  set(name: string, value: number | string | boolean): Promise<void>;
  /**
   * Checks the task's technique and params; throws a TaskRefusal naming the bad one. Called before
   * anything starts.
   */
  checkTask(task: DriverTask): void;
  /** Starts the acquisition on the instrument; resolves once the instrument accepted it. */
  start(task: DriverTask, events: AcquisitionEvents): Promise<void>;
  /** Stops the acquisition on the instrument. */
  stop(): Promise<void>;
  reset(): Promise<void>;
  /** Drops listeners (the component is replaced or the host closes). */
  dispose(): void;
}

/** The driver host's log (its log file): what a driver drops or works around is told there. */
export type DriverLog = (message: string) => void;

export interface DriverImplementation {
  descriptor: DriverDescriptor;
  /** Columns of each reading (besides `t`), with units, for the task's meta file. */
  columns: readonly { name: string; unit?: string }[];
  /** Checks a component's settings; throws naming the bad one. Called before it is registered. */
  checkSpec(spec: ComponentSpec): void;
  /** The serial link of a port, with this driver's framing rules. */
  openLine(spec: ComponentSpec, log: DriverLog): SerialLine;
  createComponent(spec: ComponentSpec, line: SerialLine, log: DriverLog): DriverComponent;
}

/** A task that can never run as asked (unknown technique, a param outside the instrument's limits). */
export class TaskRefusal extends Error {}
