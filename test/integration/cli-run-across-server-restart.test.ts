import { afterEach, describe, expect, it } from "vitest";
import { type LabflowProcess, labflow, startLabflow } from "../helpers/labflow-cli.js";
import { releasedCommandWorkflow } from "../helpers/released-command.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";

const servers: ServerProcess[] = [];
const commands: LabflowProcess[] = [];
afterEach(async () => {
  for (const command of commands.splice(0)) await command.kill("SIGKILL");
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(dataDir: string): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, args: ["--check-interval", "200"] });
  servers.push(server);
  return server;
}

const commandWorkflow = () => releasedCommandWorkflow("across-restart");

describe("labflow run through a server that restarts", () => {
  it("waits for the restarted server, follows the run on and exits 0 when it completes", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const first = await serve(dataDir);
    const run = startLabflow(["run", work.file, "--data", dataDir, "--reconnect-timeout", "120"]);
    commands.push(run);
    await waitUntil(() => /cmd\s+suspended/.test(run.stdout()), "the command to run as a job");
    const runId = /run (run-\S+) started \(on the server\)/.exec(run.stdout())?.[1];
    expect(runId, run.stdout()).toBeDefined();

    await first.kill("SIGKILL");
    await waitUntil(
      () => run.stderr().includes(`lost labflow serve at ${first.url}`),
      "labflow run to notice the server is gone",
    );
    expect(run.stderr()).toMatch(/waiting up to 2 min for the server of .* to come back/);

    const second = await serve(dataDir);
    // Its token is new (and its port most likely too): both are read again from the data folder.
    expect(second.token).not.toBe(first.token);
    await waitUntil(
      () => run.stderr().includes(`reconnected to labflow serve at ${second.url}`),
      "labflow run to reconnect",
    );
    work.release();
    const result = await run.exited;
    expect(result.code, result.stderr).toBe(0);
    const [progress, summary] = result.stdout.split(`run ${runId} completed`);
    // What happened while it waited and after is printed as it goes, then the summary.
    expect(progress).toMatch(/\n {2}cmd\s+done\n {2}after\s+done\n$/);
    expect(summary).toMatch(/after\s+done\s+result=true/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(work.startsCount()).toBe(1);
  });

  it("gives up after --reconnect-timeout in one line, exit 1, when no server comes back", async () => {
    const dataDir = tempDir();
    const work = commandWorkflow();
    const server = await serve(dataDir);
    const run = startLabflow(["run", work.file, "--data", dataDir, "--reconnect-timeout", "1"]);
    commands.push(run);
    await waitUntil(() => /cmd\s+suspended/.test(run.stdout()), "the command to run as a job");
    await server.kill("SIGKILL");
    const result = await run.exited;
    work.release();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^labflow: lost labflow serve at \S+ \(\w+\); run \S+ goes on with the data folder: waiting up to 1 s for the server of \S+ to come back\nlabflow: no labflow serve came back for \S+ within 1 s; run \S+ goes on with the data folder \(see labflow status once a server runs\)\n$/,
    );
    // The run is not lost: the next command finds it in the folder, as the server left it.
    const status = await labflow(["status", "--json", "--data", dataDir]);
    expect(JSON.parse(status.stdout).runs).toEqual([expect.objectContaining({ status: "suspended" })]);
  });
});
