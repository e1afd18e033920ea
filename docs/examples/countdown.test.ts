import { describe, expect, it } from "vitest";
import { runJob } from "../../modules/sdk/testing.js";
import countdown from "./countdown.js";

describe("example.Countdown", () => {
  it("says its label once the time has passed, checked by a handle rebuilt after a restart", async () => {
    const run = await runJob(countdown, { params: { seconds: 0.2, label: "go" } }, { restartBetween: true });
    expect(run.status).toBe("completed");
    expect(run.outputs).toEqual({ message: "go!" });
    expect(run.checks.at(0)).toMatchObject({ status: "running", message: "1 s left" });
    expect((await run.handle().stdout?.(0))?.text).toMatch(/^counting down to .*\nended \d+ ms late\n$/);
    run.cleanup();
  });

  it("refuses a misspelt param instead of counting down the default", async () => {
    await expect(runJob(countdown, { params: { secnds: 60 } })).rejects.toMatchObject({
      code: "invalid_param",
    });
  });

  it("runs the params of a version-1 document", async () => {
    const run = await runJob(countdown, { params: { secs: 0 }, version: 1 });
    expect(run.outputs).toEqual({ message: "lift-off!" });
    run.cleanup();
  });
});
