import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import command from "../../../../modules/jobs/command.js";
import timer from "../../../../modules/jobs/timer.js";
import waitForFile from "../../../../modules/jobs/wait-for-file.js";
import { type JobTestRun, runJob } from "../../../../modules/sdk/testing.js";
import { tempDir } from "../../../helpers/temp-dir.js";

/** The kit's run, its temporary folders removed when the test ends. */
async function kept(run: Promise<JobTestRun>): Promise<JobTestRun> {
  const done = await run;
  onTestFinished(done.cleanup);
  return done;
}

describe("job modules through the SDK test kit, with a restart between start and every check", () => {
  it("jobs.Timer finishes after its seconds, from its persisted start time alone", async () => {
    const run = await kept(runJob(timer, { params: { seconds: 0.2 } }, { restartBetween: true }));
    expect(run.status).toBe("completed");
    expect(run.outputs).toEqual({ finished: true });
    expect(run.state).toMatchObject({ seconds: 0.2, startedAt: expect.any(Number) });
    expect(run.checks.at(0)?.status).toBe("running");
  });

  it("jobs.WaitForFile keeps waiting while the file is missing", async () => {
    await expect(
      runJob(waitForFile, { params: { path: "missing.txt" } }, { restartBetween: true, timeoutMs: 300 }),
    ).rejects.toThrow(/did not finish within 300 ms \(last check: running, waiting for .*missing\.txt\)/);
  });

  it("jobs.WaitForFile outputs the absolute path of the file once it is there", async () => {
    const workspace = tempDir();
    writeFileSync(join(workspace, "ready.txt"), "x");
    const run = await kept(
      runJob(waitForFile, { params: { path: "ready.txt" }, workspace }, { restartBetween: true }),
    );
    expect(run.status).toBe("completed");
    expect(run.outputs).toEqual({ path: join(workspace, "ready.txt") });
  });

  it("jobs.Command runs, and its outputs come from the files of its job folder", async () => {
    const run = await kept(
      runJob(command, { params: { command: "echo hello; echo oops >&2" } }, { restartBetween: true }),
    );
    expect(run.status).toBe("completed");
    const outputs = run.outputs as { exitCode: number; stdout: string; stderr: string };
    expect(outputs.exitCode).toBe(0);
    expect(readFileSync(outputs.stdout, "utf8")).toBe("hello\n");
    expect((await run.handle().stderr?.(0))?.text).toBe("oops\n");
  });

  it("jobs.Command started again with the same job id (a crash before its state was kept) runs once", async () => {
    const marker = join(tempDir(), "starts.txt");
    const run = await kept(
      runJob(
        command,
        { params: { command: `echo started >> ${marker}; sleep 0.3` } },
        { startTwice: true, restartBetween: true },
      ),
    );
    expect(run.status).toBe("completed");
    expect(readFileSync(marker, "utf8")).toBe("started\n");
  });

  it("jobs.Command with a non-zero exit fails with the exit code and the last error line", async () => {
    const run = await kept(runJob(command, { params: { command: "echo bad >&2; exit 4" } }));
    expect(run.status).toBe("failed");
    expect(run.message).toBe("exited with code 4: bad");
    expect(run.outputs).toBeUndefined();
  });
});
