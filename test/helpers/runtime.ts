import { afterEach } from "vitest";
import { type LabflowRuntime, openRuntime, type RuntimeOptions } from "../../server/labflow-runtime.js";
import { tempDir } from "./temp-dir.js";
import { ExecutionLog, registryWithTestModules } from "./test-modules.js";

const open: LabflowRuntime[] = [];

export interface TestRuntime extends LabflowRuntime {
  log: ExecutionLog;
}

/**
 * A real runtime (SQLite on disk, job monitor) over a temp data folder, with the test modules.
 * Pass the same `dataDir` again to play a restart; `close()` it first.
 */
export async function testRuntime(
  options: Partial<RuntimeOptions> & {
    gate?: Parameters<typeof registryWithTestModules>[1];
    log?: ExecutionLog;
  } = {},
): Promise<TestRuntime> {
  const log = options.log ?? new ExecutionLog();
  const registry = await registryWithTestModules(log, options.gate);
  const runtime = await openRuntime({ dataDir: options.dataDir ?? tempDir(), registry, ...options });
  open.push(runtime);
  return Object.assign(runtime, { log });
}

afterEach(() => {
  for (const runtime of open.splice(0)) {
    try {
      runtime.close();
    } catch {
      // closed by the test already
    }
  }
});
