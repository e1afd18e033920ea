/**
 * The test kit for module authors: runs one module the way the engine does (params checked by its
 * strict schema after its upgrade hooks, inputs gathered and outputs checked by the engine's own
 * functions), without a server, a store or a workflow.
 *
 *   const { outputs } = await runCompute(add, { inputs: { a: 2, b: 3 } });
 *   const run = await runJob(timer, { params: { seconds: 0.2 } }, { restartBetween: true });
 *
 * Runner-agnostic (vitest, node:test...): it throws, and returns what happened.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { checkOutputs, gatherInputs } from "../../server/engine/module-io.js";
import type { GraphNode } from "../../server/engine/validate-workflow.js";
import type { ComputeContext, ModuleDefinition } from "./define-module.js";
import type { ModuleServices } from "./instruments.js";
import type { JobCheck, JobEnvironment, JobHandle } from "./job.js";
import { ModuleError } from "./module-error.js";
import { upgradeParams } from "./params.js";
import { Workspace } from "./workspace.js";

export interface ModuleTestInput {
  /** Params as a workflow document holds them: upgraded, checked and given defaults by the module. */
  params?: Record<string, unknown>;
  /** Values arriving on input ports, checked against the port types as the engine does. */
  inputs?: Record<string, unknown>;
  /** The module version the params were saved with (default: the current one), to test `upgrade`. */
  version?: number;
  /** The workspace folder; default a fresh temporary one (removed by `cleanup()`). */
  workspace?: Workspace | string;
  /** What the server would lend (instruments...). */
  services?: ModuleServices;
  signal?: AbortSignal;
  moduleId?: string;
}

export interface ModuleTestRun {
  outputs: Record<string, unknown>;
  /** The lines the module wrote with `ctx.log`. */
  logs: string[];
  workspace: Workspace;
  /** The run's folder (`ctx.runDir`). */
  runDir: string;
  /** Removes the temporary folders the kit made (the workspace too, when the kit made it). */
  cleanup(): void;
}

/** Runs a module's `compute` once; throws what it throws (a `ModuleError` keeps its code). */
export async function runCompute(
  definition: ModuleDefinition,
  input: ModuleTestInput = {},
): Promise<ModuleTestRun> {
  if (!definition.compute) throw new Error(`${definition.type} has no compute (a job module? use runJob)`);
  const setup = prepare(definition, input);
  try {
    const outputs = checkOutputs(definition, await definition.compute(setup.ctx), setup.ctx.moduleId);
    return { outputs, ...setup.run };
  } catch (error) {
    setup.run.cleanup();
    throw error;
  }
}

export interface JobTestOptions {
  /**
   * Play a server restart between `start` and every later step: the state `start` returned goes
   * through JSON, and each check, `finish` and `setResults` get a handle rebuilt from that JSON
   * alone, as a new server process would. Default false: one handle from the state as returned.
   */
  restartBetween?: boolean;
  /**
   * Call `start` a second time with the same job id before following the job, as the engine does
   * after a crash between `start` and recording its state: `start` must find its earlier work.
   */
  startTwice?: boolean;
  /** Give up (cancelling the work through the handle) when not finished by then; default 30 s. */
  timeoutMs?: number;
  /** Longest wait between checks; default 50 ms (a check's `nextCheckMs` may make it shorter). */
  pollMs?: number;
}

export interface JobTestRun extends Omit<ModuleTestRun, "outputs"> {
  status: "completed" | "failed";
  /** Set when completed: what `setResults` returned, checked against the output ports. */
  outputs?: Record<string, unknown>;
  /** The last check's message (why it failed). */
  message?: string;
  /** The state as the engine would persist it (JSON). */
  state: unknown;
  /** Every answer of `check()`, in order. */
  checks: JobCheck[];
  jobId: string;
  jobDir: string;
  /** A handle rebuilt from the persisted state, e.g. to read `stdout` after the run. */
  handle(): JobHandle;
}

/**
 * Runs a job module's lifecycle: `start`, `check()` until finished or failed (with a deadline), then
 * `finish` and `setResults`. A failed job resolves with `status: "failed"` and the check's message;
 * a `start` or `check` that throws rejects with that error.
 */
export async function runJob(
  definition: ModuleDefinition,
  input: ModuleTestInput = {},
  options: JobTestOptions = {},
): Promise<JobTestRun> {
  const job = definition.job;
  if (!job) throw new Error(`${definition.type} has no job (a compute module? use runCompute)`);
  const setup = prepare(definition, input);
  try {
    return await followJob(definition, job, input, options, setup);
  } catch (error) {
    setup.run.cleanup();
    throw error;
  }
}

async function followJob(
  definition: ModuleDefinition,
  job: NonNullable<ModuleDefinition["job"]>,
  input: ModuleTestInput,
  options: JobTestOptions,
  setup: ReturnType<typeof prepare>,
): Promise<JobTestRun> {
  const jobId = `job-test-${process.pid}-${Date.now().toString(36)}`;
  const jobDir = join(setup.run.runDir, "jobs", jobId);
  mkdirSync(jobDir, { recursive: true });
  const env: JobEnvironment = { jobId, jobDir, ...(input.services ? { services: input.services } : {}) };

  let returned = await job.start({ ...setup.ctx, jobId, jobDir });
  if (options.startTwice) returned = await job.start({ ...setup.ctx, jobId, jobDir });
  const state = persisted(definition.type, returned);
  // Without a restart the same process goes on with what `start` returned.
  const live = options.restartBetween ? undefined : job.handle(returned, env);
  const handle = () => live ?? job.handle(persisted(definition.type, state), env);
  const stateForResults = options.restartBetween ? state : returned;

  const checks: JobCheck[] = [];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = handle();
    const check = await current.check();
    checks.push(check);
    if (check.status === "failed") {
      return {
        status: "failed",
        ...(check.message !== undefined ? { message: check.message } : {}),
        state,
        checks,
        jobId,
        jobDir,
        handle,
        ...setup.run,
      };
    }
    if (check.status === "finished") break;
    if (Date.now() >= deadline) {
      await current.cancel?.("failed");
      throw new Error(
        `${definition.type}: the job did not finish within ${timeoutMs} ms (last check: ${check.status}${check.message ? `, ${check.message}` : ""})`,
      );
    }
    const wait = Math.min(options.pollMs ?? 50, check.nextCheckMs ?? Number.POSITIVE_INFINITY);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, deadline - Date.now()))));
  }
  await job.finish?.(stateForResults, env);
  const outputs = checkOutputs(definition, await job.setResults(stateForResults, env), setup.ctx.moduleId);
  return { status: "completed", outputs, state, checks, jobId, jobDir, handle, ...setup.run };
}

type Context = ComputeContext<Record<string, unknown>, Record<string, unknown>>;

/** The context of one execution, in temporary folders, with params and inputs as the engine makes them. */
function prepare(definition: ModuleDefinition, input: ModuleTestInput) {
  const moduleId = input.moduleId ?? "m1";
  const inputs = inputsOf(definition, moduleId, input.inputs ?? {});
  const params = paramsOf(definition, input);
  const base = realpathSync(mkdtempSync(join(tmpdir(), "labflow-module-test-")));
  const workspace =
    input.workspace instanceof Workspace
      ? input.workspace
      : new Workspace(input.workspace ?? join(base, "workspace"));
  mkdirSync(workspace.root, { recursive: true });
  const runDir = join(base, "runs", "run-test");
  mkdirSync(runDir, { recursive: true });
  const logs: string[] = [];
  const ctx: Context = {
    runId: "run-test",
    moduleId,
    inputs,
    params,
    log: (message) => logs.push(message),
    signal: input.signal ?? new AbortController().signal,
    workspace,
    runDir,
    ...(input.services ? { services: input.services } : {}),
  };
  const cleanup = () => rmSync(base, { recursive: true, force: true });
  return { ctx, run: { logs, workspace, runDir, cleanup } };
}

/** Params as the validator makes them: upgraded from `version`, then the strict schema with defaults. */
function paramsOf(definition: ModuleDefinition, input: ModuleTestInput): Record<string, unknown> {
  const raw = upgradeParams(definition, input.version ?? definition.version, input.params ?? {});
  const parsed = definition.params.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ModuleError(
    "invalid_param",
    `${definition.type}: ${z.prettifyError(parsed.error).replaceAll("\n", "; ")}`,
  );
}

/** Each given input arrives as if from an upstream module's output, through the engine's gathering. */
function inputsOf(
  definition: ModuleDefinition,
  moduleId: string,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const node = {
    index: 0,
    id: moduleId,
    instance: { id: moduleId, type: definition.type },
    definition,
    params: {},
    inputs: new Map<string, { node: number; port: string }>(),
    downstream: [],
  } as unknown as GraphNode;
  for (const port of Object.keys(values)) {
    if (!definition.inputs[port])
      throw new Error(
        `${definition.type} has no input "${port}" (inputs: ${Object.keys(definition.inputs).join(", ") || "none"})`,
      );
    node.inputs.set(port, { node: 1, port });
  }
  return gatherInputs(node, [undefined, values]);
}

/** The state as the store keeps it: JSON. A state JSON cannot hold is a bug of the module. */
function persisted(type: string, state: unknown): unknown {
  const text = JSON.stringify(state);
  if (text === undefined) throw new Error(`${type}: start returned ${String(state)}, which JSON cannot hold`);
  return JSON.parse(text);
}
