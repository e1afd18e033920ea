import { z } from "zod";
import { defineModule, type ModuleDefinition } from "../../modules/sdk/define-module.js";
import { ModuleSuspended } from "../../modules/sdk/module-suspended.js";
import { port } from "../../modules/sdk/port.js";
import { discoverBuiltinModules } from "../../modules/sdk/registry.js";

/** Counts executions per module id, so tests can tell "ran" from "served from cache". */
export class ExecutionLog {
  readonly calls: string[] = [];
  count(moduleId?: string): number {
    return moduleId ? this.calls.filter((c) => c === moduleId).length : this.calls.length;
  }
}

/**
 * Modules only tests use: `test.Number` (counted constant), `test.Inc` (counted x+1), `test.Fail`
 * (throws), `test.Gate` (waits until released or aborted, to observe concurrency and cancel), and
 * `test.Suspend` (a low-level ModuleSuspended with its own handle kind).
 */
export function testModules(
  log: ExecutionLog,
  gate?: { inFlight: number; maxInFlight: number; release?: Promise<void> },
) {
  const numberModule = defineModule({
    type: "test.Number",
    version: 1,
    label: "Number",
    description: "A counted constant.",
    inputs: {},
    outputs: { value: port.number() },
    params: z.object({ value: z.number().default(1) }),
    compute: (ctx) => {
      log.calls.push(ctx.moduleId);
      return { value: ctx.params.value };
    },
  });
  const inc = defineModule({
    type: "test.Inc",
    version: 1,
    label: "Inc",
    description: "x + step, counted.",
    inputs: { x: port.number() },
    outputs: { y: port.number() },
    params: z.object({ step: z.number().default(1) }),
    compute: async (ctx) => {
      log.calls.push(ctx.moduleId);
      return { y: ctx.inputs.x + ctx.params.step };
    },
  });
  const fail = defineModule({
    type: "test.Fail",
    version: 1,
    label: "Fail",
    description: "Always throws.",
    inputs: { x: port.number("", { optional: true }) },
    outputs: { y: port.number() },
    params: z.object({ message: z.string().default("boom") }),
    compute: (ctx) => {
      log.calls.push(ctx.moduleId);
      throw new Error(ctx.params.message);
    },
  });
  const gateModule = defineModule({
    type: "test.Gate",
    version: 1,
    label: "Gate",
    description: "Waits for the test to release it, or for cancel.",
    inputs: {},
    outputs: { value: port.number() },
    params: z.object({ value: z.number().default(0) }),
    compute: async (ctx) => {
      log.calls.push(ctx.moduleId);
      if (!gate) return { value: ctx.params.value };
      gate.inFlight++;
      gate.maxInFlight = Math.max(gate.maxInFlight, gate.inFlight);
      try {
        await new Promise<void>((resolve, reject) => {
          gate.release?.then(resolve);
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
        });
      } finally {
        gate.inFlight--;
      }
      return { value: ctx.params.value };
    },
  });
  const suspend = defineModule({
    type: "test.Suspend",
    version: 1,
    label: "Suspend",
    description: "Suspends until a file named by its param exists.",
    inputs: {},
    outputs: { value: port.string() },
    params: z.object({ flag: z.string() }),
    compute: (ctx) => {
      log.calls.push(ctx.moduleId);
      if (ctx.resumed) return { value: `resumed:${(ctx.resumed.params as { flag: string }).flag}` };
      throw new ModuleSuspended("waiting for the flag file", {
        kind: "test.flag",
        params: { flag: ctx.params.flag },
      });
    },
    handles: {
      "test.flag": (params) => ({
        check: async () => {
          const { existsSync } = await import("node:fs");
          return existsSync((params as { flag: string }).flag)
            ? { status: "finished" }
            : { status: "running" };
        },
      }),
    },
  });
  return [numberModule, inc, fail, gateModule, suspend];
}

/** The built-in modules plus the test modules. */
export async function registryWithTestModules(log: ExecutionLog, gate?: Parameters<typeof testModules>[1]) {
  const registry = await discoverBuiltinModules();
  for (const m of testModules(log, gate)) registry.register(m);
  return registry;
}

/** What a `test.Flaky` handle saw: the time of each check. Failing checks throw until `healAfter`. */
export interface FlakyProbe {
  checks: number[];
  healAfter: number;
}

/** A job whose checks fail `healAfter` times (an unreachable cluster, say) before it finishes. */
export function flakyModule(probe: FlakyProbe) {
  return defineModule({
    type: "test.Flaky",
    version: 1,
    label: "Flaky",
    description: "A job whose checks fail for a while.",
    inputs: {},
    outputs: { done: port.boolean() },
    params: z.object({}),
    job: {
      intervalMs: 100,
      state: z.object({}),
      start: async () => ({}),
      handle: () => ({
        check: async () => {
          probe.checks.push(Date.now());
          if (probe.checks.length <= probe.healAfter)
            throw new Error(`connection refused (${probe.checks.length})`);
          return { status: "running" };
        },
      }),
      setResults: () => ({ done: true }),
    },
  });
}

/** Lets a test hold a `test.SlowCheck` check in flight and answer it when it wants. */
export interface SlowCheckProbe {
  checks: number;
  /** Answers the check in flight (set while one is). */
  answer?: (check: { status: "running" | "finished" }) => void;
}

/** A job whose checks wait for the test to answer them: to race a cancel against a check. */
export function slowCheckModule(probe: SlowCheckProbe) {
  return defineModule({
    type: "test.SlowCheck",
    version: 1,
    label: "Slow check",
    description: "A job whose checks answer only when the test says so.",
    inputs: {},
    outputs: { done: port.boolean() },
    params: z.object({}),
    job: {
      intervalMs: 100,
      state: z.object({}),
      start: async () => ({}),
      handle: () => ({
        check: () => {
          probe.checks++;
          return new Promise((resolve) => {
            probe.answer = (check) => {
              probe.answer = undefined;
              resolve(check);
            };
          });
        },
        cancel: async () => {},
      }),
      setResults: () => ({ done: true }),
    },
  });
}

/**
 * `jobs.Command` with checks that always fail (its cluster unreachable, say): the command really
 * runs, so a test can see whether the monitor stops it when it gives up on the job.
 */
export function unreachableCommandModule(command: NonNullable<ModuleDefinition["job"]>) {
  return defineModule({
    type: "test.UnreachableCommand",
    version: 1,
    label: "Unreachable command",
    description: "A real command whose checks fail.",
    inputs: {},
    outputs: { done: port.boolean() },
    params: z.object({
      command: z.string(),
      cwd: z.string().default("."),
      env: z.record(z.string(), z.string()).default({}),
    }),
    job: {
      intervalMs: 50,
      // jobs.Command's state, which its own handle checks.
      state: z.unknown(),
      start: (ctx) => command.start(ctx),
      handle: (raw: unknown, env) => ({
        ...command.handle(raw, env),
        check: async () => {
          throw new Error("the machine does not answer");
        },
      }),
      setResults: () => ({ done: true }),
    },
  });
}

/** Holds `test.SlowStartCommand` starts until the test releases them (a cluster submission, an instrument arming). */
export interface SlowStartGate {
  starts: number;
  release?: () => void;
}

/**
 * `jobs.Command` whose `start` waits for the test before it really starts the command: to cancel a
 * run or a job while its start is in flight, and see that the command is stopped once it exists.
 */
export function slowStartCommandModule(command: NonNullable<ModuleDefinition["job"]>, gate: SlowStartGate) {
  return defineModule({
    type: "test.SlowStartCommand",
    version: 1,
    label: "Slow start command",
    description: "A real command whose start takes as long as the test wants.",
    inputs: {},
    outputs: { exitCode: port.number() },
    params: z.object({
      command: z.string(),
      cwd: z.string().default("."),
      env: z.record(z.string(), z.string()).default({}),
    }),
    job: {
      intervalMs: 100,
      // jobs.Command's state, which its own handle checks.
      state: z.unknown(),
      start: async (ctx) => {
        gate.starts++;
        await new Promise<void>((resolve) => {
          gate.release = resolve;
        });
        return command.start(ctx);
      },
      handle: (raw: unknown, env) => command.handle(raw, env),
      setResults: (raw: unknown, env) => command.setResults(raw, env) as Promise<never>,
    },
  });
}
