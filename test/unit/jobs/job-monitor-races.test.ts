import { describe, expect, it } from "vitest";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import { discoverBuiltinModules } from "../../../modules/sdk/registry.js";
import { openRuntime } from "../../../server/labflow-runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import {
  type SlowCheckProbe,
  slowCheckModule,
  unreachableCommandModule,
} from "../../helpers/test-modules.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

describe("the job monitor against answers that come late", () => {
  it("keeps a job cancelled while a check was in flight, whatever that check answers", async () => {
    const probe: SlowCheckProbe = { checks: 0 };
    const registry = await discoverBuiltinModules();
    registry.register(slowCheckModule(probe));
    const runtime = await openRuntime({ dataDir: tempDir(), registry });
    try {
      const { runId } = runtime.engine.startRun(workflow().module("s", "test.SlowCheck").build());
      await waitUntil(() => probe.answer, "a check in flight");
      const job = runtime.monitor.list({ runId })[0];
      if (!job) throw new Error("no job");
      await runtime.monitor.cancel(job.id);
      expect(runtime.monitor.get(job.id).state).toBe("cancelled");
      probe.answer?.({ status: "running" });
      // The late answer is applied (or not) within the same turn; a second check would show it too.
      await new Promise((resolve) => setImmediate(resolve));
      expect(runtime.monitor.get(job.id).state).toBe("cancelled");
      runtime.store.flush();
      expect(runtime.store.getJob(job.id)?.state).toBe("cancelled");
      expect(runtime.monitor.trackedCount).toBe(0);
      expect(await runtime.engine.waitForRun(runId)).toBe("cancelled");
      expect(probe.checks).toBe(1);
    } finally {
      runtime.close();
    }
  });

  it("stops the real work of a job it fails after its checks kept failing", async () => {
    const registry = await discoverBuiltinModules();
    const command = registry.get("jobs.Command")?.job;
    if (!command) throw new Error("jobs.Command is missing");
    registry.register(unreachableCommandModule(command));
    const runtime = await openRuntime({ dataDir: tempDir(), registry });
    try {
      const { runId } = runtime.engine.startRun(
        workflow().module("c", "test.UnreachableCommand", { command: "sleep 60" }).build(),
      );
      const job = await waitUntil(() => runtime.monitor.list({ runId }).find((j) => j.params), "the job");
      const pid = (job.params as { pid: number }).pid;
      expect(isProcessAlive(pid)).toBe(true);
      expect(await runtime.engine.waitForRun(runId)).toBe("failed");
      expect(runtime.monitor.get(job.id).message).toMatch(/5 checks in a row failed/);
      await waitUntil(() => !isProcessAlive(pid), "the command stopped", 10_000);
    } finally {
      runtime.close();
    }
  });
});
