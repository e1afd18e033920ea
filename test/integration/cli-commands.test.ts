/**
 * The `labflow` command line as people meet it (real processes): help and usage per command, the
 * version, options of other commands refused, commands that only look never creating a data
 * folder, one list order (newest first), and the same fields whether a command works on the data
 * folder itself or through the server that holds it.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { labflow, repoRoot } from "../helpers/labflow-cli.js";
import { startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { workflow } from "../helpers/workflow-builder.js";

const NO_STACK = /\n\s+at /;

describe("labflow help", () => {
  it("prints run's own usage and options for labflow run --help and labflow help run", async () => {
    for (const args of [
      ["run", "--help"],
      ["help", "run"],
    ]) {
      const result = await labflow(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^usage: labflow run FILE \[options\]\n/);
      for (const option of ["--json", "--detach", "--rerun a,b|all", "--reason TEXT", "--reconnect-timeout"])
        expect(result.stdout).toContain(option);
      // Not the global list, nor another command's options.
      expect(result.stdout).not.toContain("--allowed-hosts");
      expect(result.stdout).not.toMatch(/^ {2}serve /m);
    }
  });

  it("lists every command with labflow --help", async () => {
    const result = await labflow(["--help"]);
    expect(result.code).toBe(0);
    for (const command of [
      "serve",
      "run FILE",
      "status [RUN]",
      "jobs",
      "logs JOB",
      "pipeline load NAME SAMPLE",
    ])
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command.replace(/[[\]]/g, "\\$&")} `, "m"));
  });

  it("prints simulate-instrument's usage, exit 0", async () => {
    const result = await labflow(["simulate-instrument", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: labflow simulate-instrument \[options\]\n/);
    expect(result.stdout).toContain("--port PATH");
  });

  it("prints a family's commands for labflow pipeline --help", async () => {
    const result = await labflow(["pipeline", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("pipeline eject NAME");
  });
});

describe("labflow --version", () => {
  it("prints the version of package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const result = await labflow(["--version"]);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });
});

describe("options are a command's own", () => {
  it("refuses an option of another command in one line naming the command, exit 2", async () => {
    const result = await labflow(["status", "--detach", "--data", tempDir()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "labflow status: unknown option --detach (labflow status --help lists its options)\n",
    );
  });

  it("keeps refusing serve --token with its reason", async () => {
    const dataDir = join(tempDir(), "data");
    const result = await labflow(["serve", "--token", "0123456789abcdef0123", "--data", dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^labflow: --token shows the token to every user of this machine \(ps\)/);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("says which argument is missing, exit 2", async () => {
    const result = await labflow(["logs"]);
    expect(result).toMatchObject({
      code: 2,
      stderr: "labflow logs: missing JOB (usage: labflow logs JOB [options])\n",
    });
  });
});

describe("commands that only look", () => {
  it.each([
    ["status"],
    ["jobs"],
    ["logs", "job-1"],
    ["check"],
    ["snapshot", "job-1"],
    ["pipeline", "status"],
  ])("%s says there is no data folder, exit 1, and creates none", async (...command) => {
    const dataDir = join(tempDir(), "missing");
    const result = await labflow([...command, "--data", dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`labflow: no data folder at ${dataDir}: nothing has run here yet\n`);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe("one list order", () => {
  it("lists jobs and runs newest first, oldest first with --oldest-first", async () => {
    const dataDir = tempDir();
    const runIds: string[] = [];
    for (const seconds of [0.01, 0.02]) {
      const file = join(tempDir(), "timer.json");
      writeFileSync(
        file,
        JSON.stringify(workflow(`timer-${seconds}`).module("t", "jobs.Timer", { seconds }).build()),
      );
      const result = await labflow(["run", file, "--json", "--data", dataDir]);
      expect(result.code, result.stderr).toBe(0);
      runIds.push(JSON.parse(result.stdout).runId);
    }
    const newestFirst = [...runIds].reverse();

    const jobs = await labflow(["jobs", "--json", "--data", dataDir]);
    expect(JSON.parse(jobs.stdout).jobs.map((j: { runId: string }) => j.runId)).toEqual(newestFirst);
    const table = await labflow(["jobs", "--data", dataDir]);
    expect(
      table.stdout
        .split("\n")
        .slice(1, 3)
        .map((line) => line.split(/\s+/)[1]),
    ).toEqual(newestFirst);
    const oldest = await labflow(["jobs", "--json", "--oldest-first", "--data", dataDir]);
    expect(JSON.parse(oldest.stdout).jobs.map((j: { runId: string }) => j.runId)).toEqual(runIds);

    const runs = await labflow(["status", "--json", "--data", dataDir]);
    expect(JSON.parse(runs.stdout).runs.map((r: { id: string }) => r.id)).toEqual(newestFirst);
    const oldestRuns = await labflow(["status", "--json", "--oldest-first", "--data", dataDir]);
    expect(JSON.parse(oldestRuns.stdout).runs.map((r: { id: string }) => r.id)).toEqual(runIds);
  });
});

describe("one shape, with or without a server", () => {
  it("prints the same fields for jobs and a run, on the data folder and through labflow serve", async () => {
    const dataDir = tempDir();
    const file = join(tempDir(), "timer.json");
    writeFileSync(
      file,
      JSON.stringify(workflow("timer").module("t", "jobs.Timer", { seconds: 0.01 }).build()),
    );
    const ran = await labflow(["run", file, "--json", "--data", dataDir]);
    expect(ran.code, ran.stderr).toBe(0);
    const { runId } = JSON.parse(ran.stdout);
    const look = async () => ({
      jobs: JSON.parse((await labflow(["jobs", "--json", "--data", dataDir])).stdout).jobs,
      run: JSON.parse((await labflow(["status", runId, "--json", "--data", dataDir])).stdout),
    });
    const local = await look();
    const server = await startServerProcess({ dataDir });
    try {
      const remote = await look();
      expect(remote).toEqual(local);
      // The contract's job view: its letter and type, never the handle's params.
      expect(Object.keys(local.jobs[0]).sort()).toEqual(
        expect.arrayContaining(["letter", "moduleType", "state", "type"]),
      );
      expect(local.jobs[0]).not.toHaveProperty("params");
      expect(local.run.modules.t.status).toBe("done");
    } finally {
      await server.stop();
    }
  });
});

describe("expected errors", () => {
  it("are one line without a stack: a devices file that is not valid", async () => {
    const dataDir = tempDir();
    const devices = join(tempDir(), "devices.json");
    writeFileSync(devices, "{ not json");
    const result = await labflow(["pipeline", "status", "--devices", devices, "--data", dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^labflow: \S*devices\.json: /);
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it("are one line without a stack: a data folder whose database is not one", async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, "labflow.db"), "not a database, not at all");
    const result = await labflow(["status", "--data", dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `labflow: database ${join(dataDir, "labflow.db")} cannot be used: file is not a database (SQLITE_NOTADB)\n`,
    );
  });
});
