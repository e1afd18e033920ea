/** `labflow snapshot` as a person pipes it: a queued job says so, `| head` ends quietly. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { api, jobInState, type Lab, loadAndReady, runEnded, startLab } from "../../helpers/instrument-lab.js";
import { labflow, repoRoot } from "../../helpers/labflow-cli.js";
import { workflow } from "../../helpers/workflow-builder.js";

const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.cleanup();
});

describe("labflow snapshot", () => {
  it("says on stderr that a queued job has no data yet (exit 0, nothing on stdout); piped into head it ends quietly", async () => {
    const lab = await startLab(["furnace"]);
    labs.push(lab);
    lab.writeDevices([{ name: "p1", roles: { sensor: { device: "furnace" } } }]);
    const server = await lab.serve();
    const { runId } = await api<{ runId: string }>(server, "POST", "/api/runs", {
      workflow: workflow("fast")
        .module("a", "instruments.Task", { role: "sensor", duration: 3, samplingInterval: 0.001 })
        .build(),
    });
    const job = await jobInState(server, runId, ["waiting"], "the job to wait for a sample");
    const queued = await labflow(["snapshot", job.id, "--data", lab.dataDir]);
    expect(queued).toEqual({
      code: 0,
      stdout: "",
      stderr: `labflow: job ${job.id} is waiting: it has not started acquiring, so it has no data yet\n`,
    });

    await loadAndReady(lab.dataDir, "p1");
    expect((await runEnded(server, runId)).status).toBe("completed");
    // 3,000 readings (~150 KB): more than a pipe holds, so head closes it while labflow still writes.
    const piped = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; node ${join(repoRoot, "bin", "labflow.js")} snapshot ${job.id} --data ${lab.dataDir} | head -n 2`,
      ],
      { encoding: "utf8", env: { ...process.env, LABFLOW_TOKEN: "" } },
    );
    expect(piped.stdout.split("\n")[0]).toBe("t,temperature (°C),setpoint (°C)");
    expect(piped.stderr).toBe("");
    expect(piped.status).toBe(0);
  }, 120_000);
});
