/**
 * What instrument modules see of the lab: pipelines, samples and drivers behind one interface.
 * The server implements it (server/devices); modules never talk to a driver or a serial port.
 * Every call is keyed by the job id, so a server that restarted finds the same claim and task.
 */
import type { ClusterAccess } from "./clusters.js";
import { ModuleError } from "./module-error.js";

/** Which pipeline an instrument job needs (tomato's rules decide which one it gets). */
export interface InstrumentRequest {
  /** The pipeline role whose device does the work, e.g. "heater". */
  role: string;
  /** A capability of the device's driver, e.g. "acquire". */
  technique: string;
  /** The sample the pipeline must hold; undefined: any sample. */
  sample?: string;
  /** One pipeline by name, when the workflow wants that one only. */
  pipeline?: string;
  /**
   * The task's params, duration and sampling interval, when given: a pipeline whose driver refuses
   * them (a type, a range, an unknown name) never fits, so no job claims a pipeline to fail on them.
   */
  params?: Record<string, unknown>;
  durationMs?: number;
  samplingMs?: number;
  /**
   * More steps the same job runs on the pipeline (a multi-role payload): the pipeline fits only if
   * it has each step's role and that role's driver can run the step as asked.
   */
  also?: StepRequest[];
}

/** One step of a multi-role job: a technique with params on a role of the same pipeline. */
export interface StepRequest {
  role: string;
  technique: string;
  params?: Record<string, unknown>;
  durationMs?: number;
  samplingMs?: number;
}

/** A device channel: where attributes are read and tasks run. */
export interface InstrumentTarget {
  device: string;
  channel: string;
}

export type ClaimResult =
  | ({ status: "claimed"; pipeline: string; sample?: string } & InstrumentTarget)
  /** qw: a pipeline could do it, but none is ready with the sample now. */
  | { status: "waiting"; reason: string }
  /** No pipeline in the devices file could ever do it. */
  | { status: "impossible"; reason: string };

export interface TaskSpec {
  technique: string;
  params: Record<string, unknown>;
  durationMs: number;
  samplingMs: number;
  /** NDJSON file the driver appends one reading per line to: `{"t":"<ISO UTC>", "<quantity>": number, ...}`. */
  dataFile: string;
}

export interface TaskState {
  state: "running" | "completed" | "failed" | "stopped";
  /** Readings appended to the data file so far. */
  readings: number;
  message?: string;
}

export interface AttributeReading {
  name: string;
  value: number | string | boolean;
  unit?: string;
  /** ISO UTC. */
  t: string;
}

export interface SetOptions {
  /** Set it even while a job uses the channel (recorded in the job's log and data). */
  force?: boolean;
  /** Who asks (a run's module, the CLI, the API), for the record. */
  by?: string;
}

export interface SetResult {
  /** The job that used the channel when a forced setting was made. */
  forcedOver?: string;
}

export interface InstrumentAccess {
  /** Claims a ready pipeline that holds the sample, for this job; the same answer again for the same job. */
  claim(jobId: string, request: InstrumentRequest): ClaimResult;
  /**
   * Frees the job's pipeline. `reReady` (only honoured for `completed`) marks it ready again, for a
   * workflow that asks for it; failed and cancelled jobs never re-ready a pipeline.
   */
  release(jobId: string, outcome: "completed" | "failed" | "cancelled", reReady: boolean): void;
  /** Starts the task on the device; idempotent per job id (a second call finds the running task). */
  startTask(jobId: string, target: InstrumentTarget, task: TaskSpec): Promise<TaskState>;
  taskStatus(jobId: string, target: InstrumentTarget): Promise<TaskState>;
  /** Stops the acquisition on the instrument itself. */
  stopTask(jobId: string, target: InstrumentTarget): Promise<TaskState>;
  /**
   * A step of a multi-role job: its own task (id `<jobId>.<key>`) on a channel of the pipeline the
   * job holds. Starts it when `asked` is false, else reports it (a task its driver lost: its end
   * from the data file's meta, started now if it never wrote anything, else failed).
   */
  runStep(
    jobId: string,
    key: string,
    target: InstrumentTarget,
    task: TaskSpec,
    asked: boolean,
  ): Promise<TaskState>;
  /** Stops a step's task on the instrument (its readings are kept). */
  stopStep(jobId: string, key: string, target: InstrumentTarget): Promise<TaskState>;
  /** Resolves a pipeline role to its device channel; throws naming the pipeline or role when unknown. */
  resolve(pipeline: string, role: string): InstrumentTarget;
  getAttribute(target: InstrumentTarget, name: string): Promise<AttributeReading>;
  /**
   * Sets an attribute. Refused (`device_in_use`, naming the job) while a job holds a pipeline that
   * uses the device channel, unless `force` is given: then the setting is recorded in that job's
   * log and data.
   */
  setAttribute(
    target: InstrumentTarget,
    name: string,
    value: number | string | boolean,
    options?: SetOptions,
  ): Promise<SetResult>;
}

/** The devices file's rules, known without any driver running: what could ever run. */
export interface InstrumentRules {
  /** Why no pipeline could ever run this request (role, technique, params), or undefined when one could. */
  whyNever(request: InstrumentRequest): string | undefined;
  /** Why this value can never be set on the target's attribute (read-only, type, range), or undefined. */
  whyNotSettable(
    target: InstrumentTarget | { pipeline: string; role: string },
    attribute: string,
    value: unknown,
  ): string | undefined;
}

/** Services the server lends modules. Absent when the server runs without them (no devices file). */
export interface ModuleServices {
  instruments?: InstrumentAccess;
  /** Slurm clusters of the clusters file; absent without one. */
  clusters?: ClusterAccess;
  /** The rules alone (also for `labflow validate`, which runs no server). */
  instrumentRules?: InstrumentRules;
}

/** How a person makes instruments available, in the words every instrument module (and the API) fails with. */
export const NO_DEVICES_MESSAGE =
  "no instruments are configured: declare devices and pipelines in a devices file and start the " +
  "server with `labflow serve --devices FILE` (or put devices.json or devices.yaml in the data " +
  "folder); see docs/instruments.md";

/** The server's instrument access, or a `no_devices` ModuleError saying how to configure one. */
export function requireInstruments(services: ModuleServices | undefined): InstrumentAccess {
  const instruments = services?.instruments;
  if (!instruments) throw new ModuleError("no_devices", NO_DEVICES_MESSAGE);
  return instruments;
}
