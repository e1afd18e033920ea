import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import type { ModuleDefinition } from "../../../../modules/sdk/index.js";
import { runCompute as runWithKit } from "../../../../modules/sdk/testing.js";
import { Workspace } from "../../../../modules/sdk/workspace.js";

/** A real temporary workspace folder, removed when the current test ends. */
export function makeWorkspace(): Workspace {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "labflow-basic-")));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  return new Workspace(root);
}

export interface ComputeOptions {
  /** Raw params, as a workflow document holds them: parsed (with defaults) by the module's schema. */
  params?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /** A workspace to run in; a fresh temporary one when not given. */
  workspace?: Workspace;
  signal?: AbortSignal;
}

/** The SDK's test kit, with the temporary folders removed when the current test ends. */
export async function runCompute(definition: ModuleDefinition, options: ComputeOptions = {}) {
  const run = await runWithKit(definition, { ...options, workspace: options.workspace ?? makeWorkspace() });
  onTestFinished(run.cleanup);
  return run;
}
