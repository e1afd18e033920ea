import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import type { ComputeContext, ModuleDefinition } from "../../../../modules/sdk/index.js";
import { portValueSchema, Workspace } from "../../../../modules/sdk/index.js";

/** A real temporary workspace folder, removed when the current test ends. */
export function makeWorkspace(): Workspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "labflow-basic-")));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  return new Workspace(root);
}

export interface ComputeRun {
  outputs: Record<string, unknown>;
  /** The lines the module wrote with `ctx.log`. */
  logs: string[];
  workspace: Workspace;
}

export interface ComputeOptions {
  /** Raw params, as a workflow document holds them: parsed (with defaults) by the module's schema. */
  params?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /** A workspace to run in; a fresh temporary one when not given. */
  workspace?: Workspace;
  signal?: AbortSignal;
}

/**
 * Runs a module's `compute` as the engine would: params parsed by its schema, a real workspace, a
 * log collector and an abort signal; then checks the outputs against the declared output ports.
 */
export async function runCompute(
  definition: ModuleDefinition,
  options: ComputeOptions = {},
): Promise<ComputeRun> {
  if (!definition.compute) throw new Error(`${definition.type} has no compute`);
  const workspace = options.workspace ?? makeWorkspace();
  const logs: string[] = [];
  const ctx: ComputeContext<Record<string, unknown>, Record<string, unknown>> = {
    runId: "run-test",
    moduleId: "m1",
    inputs: options.inputs ?? {},
    params: definition.params.parse(options.params ?? {}),
    log: (message) => logs.push(message),
    signal: options.signal ?? new AbortController().signal,
    workspace,
    runDir: join(workspace.root, ".run"),
  };
  const outputs = (await definition.compute(ctx)) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(definition.outputs)) {
    const checked = portValueSchema[spec.type].safeParse(outputs[name]);
    if (!checked.success)
      throw new Error(`output "${name}" is not a valid ${spec.type}: ${String(outputs[name])}`);
  }
  return { outputs, logs, workspace };
}
