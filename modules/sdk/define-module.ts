import type { z } from "zod";
import type { ModuleServices } from "./instruments.js";
import type { HandleFactory, JobEnvironment, JobHandle } from "./job.js";
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

/** The JobMixin lifecycle (VisTrails): start once, check through a handle, then produce results. */
export interface JobLifecycle<Inputs, Params, Outputs, JobParams> {
  /** How often the monitor checks by default, in ms. */
  intervalMs?: number;
  /**
   * Starts the work and returns what is needed to find it again (a pid, a cluster job id...).
   * `jobId` is stable for this run and signature: if the work for it was already started by an
   * earlier process that died before recording the params, find it instead of starting anew.
   */
  start(ctx: JobStartContext<Inputs, Params>): Promise<JobParams>;
  /** Rebuilds a handle from the params alone. */
  handle(params: JobParams, env: JobEnvironment): JobHandle;
  /** Runs once after the handle reports the work finished, before results are read. */
  finish?(params: JobParams, env: JobEnvironment): Promise<void>;
  /** The module's outputs, from the finished work. */
  setResults(params: JobParams, env: JobEnvironment): Promise<Outputs> | Outputs;
}

export interface ModuleSpec<
  In extends Record<string, PortSpec>,
  Out extends Record<string, PortSpec>,
  Params extends z.ZodType<Record<string, unknown>>,
> {
  /** Stable `package.Name`. */
  type: string;
  /** Bump when the outputs for the same inputs and params change: it invalidates cached results. */
  version: number;
  label: string;
  description: string;
  inputs: In;
  outputs: Out;
  params: Params;
  /**
   * Extra data that decides whether a cached result is still valid, e.g. a file's size and mtime
   * for a module that reads it. Part of the signature.
   */
  fingerprint?(params: z.output<Params>, workspace: Workspace): unknown;
  /**
   * Checks the params against what the server lends (the devices file's rules, ...) before a run is
   * started (`POST /api/runs`, `labflow run`, `labflow validate`): each problem refuses the run,
   * naming the field. Only called with params that passed the schema, and with what is configured.
   */
  validate?(params: z.output<Params>, services: ModuleServices): ParamProblem[];
  compute?(ctx: ComputeContext<PortValues<In>, z.output<Params>>): Promise<PortValues<Out>> | PortValues<Out>;
  job?: JobLifecycle<PortValues<In>, z.output<Params>, PortValues<Out>, never>;
  /** Handle factories for the kinds this module's `compute` may suspend with. */
  handles?: Record<string, HandleFactory>;
}

/** A module definition as the engine and registry see it, with the type parameters erased. */
export interface ModuleDefinition {
  type: string;
  version: number;
  label: string;
  description: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: z.ZodType<Record<string, unknown>>;
  fingerprint?(params: Record<string, unknown>, workspace: Workspace): unknown;
  validate?(params: Record<string, unknown>, services: ModuleServices): ParamProblem[];
  compute?(ctx: ComputeContext<Record<string, unknown>, Record<string, unknown>>): Promise<unknown> | unknown;
  job?: JobLifecycle<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, unknown>;
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
  Params extends z.ZodType<Record<string, unknown>>,
  JobParams = never,
>(
  spec: Omit<ModuleSpec<In, Out, Params>, "job"> & {
    job?: JobLifecycle<PortValues<In>, z.output<Params>, PortValues<Out>, JobParams>;
  },
): ModuleDefinition {
  if ((spec.compute === undefined) === (spec.job === undefined)) {
    throw new Error(`module ${spec.type}: give exactly one of compute and job`);
  }
  const dot = spec.type.indexOf(".");
  if (dot <= 0) throw new Error(`module type "${spec.type}" must be package.Name`);
  return { ...spec, package: spec.type.slice(0, dot) } as unknown as ModuleDefinition;
}
