import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testRuntime } from "../../helpers/runtime.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** Runs `doc` until its job is suspended, closes that engine, and resumes in a fresh one. */
async function suspendThenResume(
  doc: ReturnType<ReturnType<typeof workflow>["build"]>,
  between?: (dataDir: string) => void,
) {
  const dataDir = tempDir();
  const first = await testRuntime({ dataDir, globalInterval: 100 });
  const { runId } = first.engine.startRun(doc);
  await waitUntil(() => first.engine.getRun(runId).status === "suspended", "the run to suspend");
  const [job] = first.monitor.list({ runId });
  expect(job?.state).toBe("running");
  first.close();
  between?.(dataDir);
  const second = await testRuntime({ dataDir, globalInterval: 100 });
  const status = await second.engine.waitForRun(runId);
  return { runId, status, view: second.engine.getRun(runId), second, jobId: job?.id as string };
}

describe("run -> suspend -> new engine -> resume", () => {
  it("jobs.Timer finishes in the new engine and feeds its downstream", async () => {
    const doc = workflow()
      .module("t", "jobs.Timer", { seconds: 0.3 })
      .module("log", "basic.Log")
      .connect("t.finished", "log.value")
      .build();
    const { status, view } = await suspendThenResume(doc);
    expect(status).toBe("completed");
    expect(view.modules.t).toMatchObject({ status: "done", outputs: { finished: true } });
    expect(view.modules.log).toMatchObject({ status: "done", outputs: { value: true } });
  });

  it("jobs.Command runs once and its outputs come from the files", async () => {
    const marker = join(tempDir(), "starts.txt");
    const doc = workflow()
      .module("cmd", "jobs.Command", { command: `echo started >> ${marker}; sleep 0.5; echo hello` })
      .build();
    const { status, view } = await suspendThenResume(doc);
    expect(status).toBe("completed");
    const outputs = view.modules.cmd?.outputs as { exitCode: number; stdout: string };
    expect(outputs.exitCode).toBe(0);
    expect(readFileSync(outputs.stdout, "utf8")).toBe("hello\n");
    expect(readFileSync(marker, "utf8")).toBe("started\n");
  });

  it("jobs.Command with a non-zero exit fails with the exit code", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const doc = workflow().module("cmd", "jobs.Command", { command: "echo oops >&2; exit 3" }).build();
    const { runId } = runtime.engine.startRun(doc);
    expect(await runtime.engine.waitForRun(runId)).toBe("failed");
    expect(runtime.engine.getRun(runId).modules.cmd?.error?.message).toMatch(/exited with code 3: oops/);
  });

  it("jobs.WaitForFile finishes once the file appears while the server is down", async () => {
    let workspace = "";
    const doc = workflow().module("w", "jobs.WaitForFile", { path: "incoming/data.csv" }).build();
    const { status, view } = await suspendThenResume(doc, (dataDir) => {
      workspace = join(dataDir, "workspace");
      mkdirSync(join(workspace, "incoming"), { recursive: true });
      writeFileSync(join(workspace, "incoming", "data.csv"), "t,v\n");
    });
    expect(status).toBe("completed");
    expect(view.modules.w?.outputs).toEqual({ path: join(workspace, "incoming", "data.csv") });
  });

  it("a low-level ModuleSuspended resumes through its registered handle kind", async () => {
    const flag = join(tempDir(), "flag");
    const doc = workflow().module("s", "test.Suspend", { flag }).build();
    const { status, view, second } = await suspendThenResume(doc, () => writeFileSync(flag, ""));
    expect(status).toBe("completed");
    expect(view.modules.s?.outputs).toEqual({ value: `resumed:${flag}` });
    // compute ran once to suspend (first engine) and once to deliver results (second): never to start again.
    expect(second.log.count("s")).toBe(1);
    expect(existsSync(flag)).toBe(true);
  });
});
