/**
 * One labflow per data folder, decided by a lock the kernel drops when its holder dies: real
 * `labflow serve` and `labflow run` processes, SIGKILL, and labflow as pid 1 of a pid namespace.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireDataFolderLock, updateDataFolderOwner } from "../../server/store/data-folder-lock.js";
import { readDataFolderOwner } from "../../server/store/data-folder-owner.js";
import { labflow } from "../helpers/labflow-cli.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";

/** labflow as pid 1 of its own pid namespace, as in a container; SIGKILL of `unshare` reaches it too. */
const AS_PID_1 = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child"];

const servers: ServerProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop().catch(() => {});
});

async function serve(dataDir: string, wrapper?: string[]): Promise<ServerProcess> {
  const server = await startServerProcess({ dataDir, ...(wrapper ? { wrapper } : {}) });
  servers.push(server);
  return server;
}

/** The pid, as this machine sees it, of the one child of `pid` (labflow under `unshare --fork`). */
function onlyChildOf(pid: number): number | undefined {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
  return children.length === 1 && children[0] ? Number(children[0]) : undefined;
}

describe("the data folder lock", () => {
  it("refuses a second labflow serve in one line, naming the first one's pid and URL, exit 1", async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    const second = await labflow(["serve", "--data", dataDir, "--port", "0"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `^labflow: data folder ${dataDir} is in use by labflow pid ${first.pid} \\(since [^)]+, serving ${first.url}\\); stop it or wait for it to finish\\n$`,
      ),
    );
    expect(second.stdout).toBe("");
  });

  it("lets the other commands act through the serve that holds it", async () => {
    const dataDir = tempDir();
    await serve(dataDir);
    const result = await labflow(["run", join("workflows", "arithmetic.json"), "--data", dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/run \S+ started \(on the server\)/);
    expect(result.stdout).toMatch(/run \S+ completed/);
  });

  it("is taken over at once after its serve was SIGKILLed", async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    await first.kill("SIGKILL");
    // The killed server's owner.json is still there: information only, the lock went with it.
    expect(readDataFolderOwner(dataDir)?.pid).toBe(first.pid);
    const second = await serve(dataDir);
    expect(readDataFolderOwner(dataDir)).toMatchObject({ pid: second.pid, url: second.url });
  });

  it("lets labflow as pid 1 of a container, SIGKILLed, start again at once as pid 1", async () => {
    // A new pid namespace needs root; the test machines and CI run as root (see README).
    expect(process.getuid?.(), "this test makes a pid namespace: run the tests as root").toBe(0);
    const dataDir = tempDir();
    const first = await serve(dataDir, AS_PID_1);
    expect(readDataFolderOwner(dataDir)).toMatchObject({ pid: 1, url: first.url });
    const labflowPid = await waitUntil(() => onlyChildOf(first.pid), "labflow under unshare");
    process.kill(labflowPid, "SIGKILL");
    expect(await first.exited()).toMatchObject({ code: expect.anything() });

    // A pid file would name pid 1, alive again in the new namespace: the restart refused itself.
    const second = await serve(dataDir, AS_PID_1);
    expect(readDataFolderOwner(dataDir)).toMatchObject({ pid: 1, url: second.url });
    expect((await fetch(`${second.url}/api/runs`, { headers: second.authHeaders })).status).toBe(200);
    // unshare ignores SIGTERM: stop labflow itself, which lets its folder go on the way out.
    process.kill(await waitUntil(() => onlyChildOf(second.pid), "labflow under unshare"), "SIGTERM");
    expect(await second.exited()).toEqual({ code: 0, signal: null });
    expect(readDataFolderOwner(dataDir)).toBeUndefined();
  });

  it("says in one line, exit 1, that a file stands where the data folder should be", async () => {
    const file = join(tempDir(), "not-a-folder");
    writeFileSync(file, "");
    const result = await labflow(["run", join("workflows", "arithmetic.json"), "--data", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^labflow: data folder ${file} cannot be used: EEXIST[^\n]*\n$`),
    );
  });

  it("says in one line, exit 1, that the server holding the folder does not answer", async () => {
    const dataDir = tempDir();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    // Held as a `labflow serve` at that address would hold it (by this process).
    const lock = acquireDataFolderLock(dataDir);
    updateDataFolderOwner(dataDir, { url });
    const result = await labflow(["jobs", "--data", dataDir]).finally(() => lock.release());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`labflow: cannot reach labflow serve at ${url} (ECONNREFUSED)\n`);
  });

  it("refuses labflow run while another labflow run holds the folder, then lets it run", async () => {
    const dataDir = tempDir();
    const release = join(dataDir, "workspace", "release");
    const holding = join(tempDir(), "holding.json");
    writeFileSync(
      holding,
      JSON.stringify({
        version: 1,
        name: "holding",
        modules: [{ id: "wait", type: "jobs.WaitForFile", params: { path: "release" } }],
      }),
    );
    const first = labflow(["run", holding, "--data", dataDir]);
    const owner = await waitUntil(() => readDataFolderOwner(dataDir), "the first run to hold the folder");
    const refused = await labflow(["run", join("workflows", "arithmetic.json"), "--data", dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `labflow: data folder ${dataDir} is in use by labflow pid ${owner.pid} (since ${owner.startedAt}); stop it or wait for it to finish\n`,
    );
    // The holder takes the lock before its engine makes the workspace folder: do not race it.
    mkdirSync(dirname(release), { recursive: true });
    writeFileSync(release, "");
    expect((await first).code).toBe(0);
    expect((await labflow(["run", join("workflows", "arithmetic.json"), "--data", dataDir])).code).toBe(0);
  });
});
