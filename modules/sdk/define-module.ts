import { z } from "zod";
import type { ModuleServices } from "./instruments.js";
import type { HandleFactory, JobEnvironment, JobHandle } from "./job.js";
import { ModuleError } from "./module-error.js";
import { type ParamsDeclaration, type ParamsOf, type ParamsUpgrade, strictParams } from "./params.js";
import type { PortSpec } from "./port.js";
import type { TableValue } from "./port-types.js";
import type { Workspace } from "./workspace.js";

type ValueOf<P extends PortSpec> = P["type"] extends "number"
  ? number
  : P["type"] extends "string" | "file"
    ? string
    : P["type"] extends "boolean"
      ? boolean
      : P["type"] extends "table"
        ? TableValue
        : unknown;

export type PortValues<Ports extends Record<string, PortSpec>> = {
  [K in keyof Ports]: Ports[K]["optional"] extends true ? ValueOf<Ports[K]> | undefined : ValueOf<Ports[K]>;
};

/** A param that can never work, found by a module's `validate`: the field (e.g. `taskParams.setpoint`) and why. */
export interface ParamProblem {
  field?: string;
  message: string;
}

/** What a module sees of the engine: everything it needs, nothing of the engine's internals. */
export interface ComputeContext<Inputs, Params> {
  runId: string;
  moduleId: string;
  inputs: Inputs;
  params: Params;
  /** Appends a line to the run log under this module's id. */
  log(message: string): void;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** The folder file modules are confined to. */
  workspace: Workspace;
  /** A folder of this run for files the module writes. */
  runDir: string;
  /**
   * Set when `compute` is called again after a `ModuleSuspended` it threw finished: the params
   * it suspended with.
   */
  resumed?: { kind: string; params: unknown };
  /** What the server lends modules (instruments...); absent pieces are not configured. */
  services?: ModuleServices;
}

/** What `start` receives: the compute context plus the job's identity (its idempotency key). */
export interface JobStartContext<Inputs, Params> extends ComputeContext<Inputs, Params>, JobEnvironment {}

/**
 * The JobMixin lifecycle (VisTrails): start once, check through a handle, then produce results.
 * `state` is the schema of the JSON `start` returns, which the engine persists: `handle`, `finish`
 * and `setResults` receive it parsed by that schema, in whatever later process they run.
 */
export interface JobLifecycle<Inputs, Params, Outputs, State extends z.ZodType> {
  /** How often the monitor checks by default, in ms. */
  intervalMs?: number;
  /** The schema of the job's persisted state: plain JSON (a pid, a cluster job id, a start time). */
  state: State;
  /**
   * Starts the work and returns what is needed to find it again (a pid, a cluster job id...).
   * `jobId` is stable for this run and signature: if the work for it was already started by an
   * earlier process that died before recording the state, find it instead of starting anew.
   */
  start(ctx: JobStartContext<Inputs, Params>): Promise<z.input<State>>;
  /** Rebuilds a handle from the persisted state alone. */
  handle(state: z.output<State>, env: JobEnvironment): JobHandle;
  /** Runs once after the handle reports the work finished, before results are read. */
  finish?(state: z.output<State>, env: JobEnvironment): Promise<void>;
  /** The module's outputs, from the finished work. */
  setResults(state: z.output<State>, env: JobEnvironment): Promise<Outputs> | Outputs;
}

export interface ModuleSpec<
  In extends Record<string, PortSpec>,
  Out extends Record<string, PortSpec>,
  Params extends ParamsDeclaration,
  State extends z.ZodType,
> {
  /** Stable `package.Name`. */
  type: string;
  /** Bump when the outputs for the same inputs and params change: it invalidates cached results. */
  version: number;
  label: string;
  description: string;
  inputs: In;
  outputs: Out;
  /** Strict by construction: an unknown key is refused by the editor, `labflow validate` and the API. */
  params: Params;
  /**
   * `"never"`: the module runs in every run, never served from the cache (an instrument reading:
   * the world is not what it was last time). Each such execution gets a signature of its own.
   */
  cache?: "never";
  /**
   * Params saved with an older version of this module, made current: `{ 1: (p) => ({ ...p, x: 1 }) }`
   * takes version-1 params to version 2. Versions without an entry need no change.
   */
  upgrade?: Record<number, ParamsUpgrade>;
  /**
   * Extra data that decides whether a cached result is still valid, e.g. a file's size and mtime
   * for a module that reads it. Part of the signature.
   */
  fingerprint?(params: ParamsOf<Params>, workspace: Workspace): unknown;
  /**
   * Checks the params against what the server lends (the devices file's rules, ...) before a run is
   * started (`POST /api/runs`, `labflow run`, `labflow validate`): each problem refuses the run,
   * naming the field. Only called with params that passed the schema, and with what is configured.
   */
  validate?(params: ParamsOf<Params>, services: ModuleServices): ParamProblem[];
  compute?(ctx: ComputeContext<PortValues<In>, ParamsOf<Params>>): Promise<PortValues<Out>> | PortValues<Out>;
  job?: JobLifecycle<PortValues<In>, ParamsOf<Params>, PortValues<Out>, State>;
  /** Handle factories for the kinds this module's `compute` may suspend with (low level). */
  handles?: Record<string, HandleFactory>;
}

/**
 * A module definition as the engine and registry see it, with the type parameters erased. Its
 * `params` is the strict schema; its `job` takes the persisted state as stored (it parses it).
 */
export interface ModuleDefinition {
  type: string;
  version: number;
  label: string;
  description: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: z.ZodType<Record<string, unknown>>;
  cache?: "never";
  upgrade?: Record<number, ParamsUpgrade>;
  fingerprint?(params: Record<string, unknown>, workspace: Workspace): unknown;
  validate?(params: Record<string, unknown>, services: ModuleServices): ParamProblem[];
  compute?(ctx: ComputeContext<Record<string, unknown>, Record<string, unknown>>): Promise<unknown> | unknown;
  job?: JobLifecycle<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, z.ZodType>;
  handles?: Record<string, HandleFactory>;
  /** The package: the part of `type` before the dot. */
  package: string;
}

/**
 * Declares a module. One module per file, default-exported; the registry finds it.
 * Exactly one of `compute` and `job` must be given.
 */
export function defineModule<
  In extends Record<string, PortSpec>,
  Out extends Record<string, PortSpec>,
  Params extends ParamsDeclaration,
  State extends z.ZodType = z.ZodNever,
>(spec: ModuleSpec<In, Out, Params, State>): ModuleDefinition {
  if ((spec.compute === undefined) === (spec.job === undefined)) {
    throw new Error(`module ${spec.type}: give exactly one of compute and job`);
  }
  const dot = spec.type.indexOf(".");
  if (dot <= 0) throw new Error(`module type "${spec.type}" must be package.Name`);
  if (!Number.isInteger(spec.version) || spec.version < 1)
    throw new Error(`module ${spec.type}: version must be a positive integer`);
  for (const from of Object.keys(spec.upgrade ?? {})) {
    const v = Number(from);
    if (!Number.isInteger(v) || v < 1 || v >= spec.version)
      throw new Error(
        `module ${spec.type}: upgrade ${from} is not an older version (1..${spec.version - 1})`,
      );
  }
  const definition = {
    ...spec,
    params: strictParams(spec.type, spec.params),
    package: spec.type.slice(0, dot),
  } as unknown as ModuleDefinition;
  if (spec.job) definition.job = parsedStateJob(spec.type, spec.job as unknown as ErasedJob);
  return definition;
}

type ErasedJob = NonNullable<ModuleDefinition["job"]>;

/**
 * The job as the engine calls it: with the state as stored. `start`'s answer is checked against the
 * state schema before it is persisted (a module bug shows at once, not at the first check), and
 * every later call receives the stored state parsed. A state that does not parse throws a
 * `ModuleError` (`invalid_job_state`): the monitor fails a job whose handle cannot be rebuilt.
 */
function parsedStateJob(type: string, job: ErasedJob): ErasedJob {
  if (!job.state || typeof (job.state as { safeParse?: unknown }).safeParse !== "function")
    throw new Error(`module ${type}: job.state must be a zod schema of the state start returns`);
  const parse = (raw: unknown, when: string) => parseJobState(type, job.state, raw, when);
  return {
    ...job,
    async start(ctx) {
      const state = await job.start(ctx);
      parse(state, "start returned");
      return state;
    },
    handle: (raw, env) => job.handle(parse(raw, "stored"), env),
    ...(job.finish ? { finish: (raw, env) => job.finish?.(parse(raw, "stored"), env) as Promise<void> } : {}),
    setResults: (raw, env) => job.setResults(parse(raw, "stored"), env),
  };
}

/** Parses a job's state with its module's schema, or throws a ModuleError naming the module and field. */
export function parseJobState(type: string, schema: z.ZodType, raw: unknown, when = "stored"): unknown {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ModuleError(
    "invalid_job_state",
    `${type}: the job state ${when} does not fit the module's state schema: ${z.prettifyError(parsed.error).replaceAll("\n", "; ")}`,
  );
}
