import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../../modules/sdk/process-alive.js";
import {
  acquireDataFolderLock,
  DataFolderInUseError,
  LOCK_FILE_NAME,
  updateDataFolderOwner,
} from "../../../server/store/data-folder-lock.js";
import { OWNER_FILE_NAME, readDataFolderOwner } from "../../../server/store/data-folder-owner.js";
import { repoRoot } from "../../helpers/labflow-cli.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";

const holderScript = join(repoRoot, "test", "fixtures", "data-folder-holder.ts");
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Another process holding the folder's lock (as `labflow serve` at `url`, when given). */
function holdInAnotherProcess(dataDir: string, url?: string): Promise<ChildProcess> {
  return held(
    spawn(process.execPath, ["--import", "tsx", holderScript, dataDir, ...(url ? [url] : [])], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
}

/**
 * A holder whose parent never reaps it: `sh` starts it, then becomes `sleep`. Killed, it stays a
 * zombie, a pid that `kill(pid, 0)` still finds.
 */
async function holdUnreaped(dataDir: string): Promise<number> {
  const holder = `"${process.execPath}" --import tsx "${holderScript}" "${dataDir}"`;
  await held(
    spawn("sh", ["-c", `${holder} & exec sleep 60`], { cwd: repoRoot, stdio: ["ignore", "pipe", "inherit"] }),
  );
  return readDataFolderOwner(dataDir)?.pid as number;
}

/** Resolves once the holder started by `child` (itself or a descendant) printed `held`. */
async function held(child: ChildProcess): Promise<ChildProcess> {
  children.push(child);
  let printed = "";
  child.stdout?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: string) => {
      printed += chunk;
      if (printed.includes("held")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the holder exited (${code}) before holding the lock`)));
  });
  return child;
}

/** The state letter of /proc/PID/stat (R, S, Z...), undefined once the pid is gone. */
function processState(pid: number): string | undefined {
  try {
    return /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

function threadCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

function refusal(dataDir: string): unknown {
  try {
    acquireDataFolderLock(dataDir).release();
  } catch (error) {
    return error;
  }
  throw new Error(`${dataDir} was not refused`);
}

describe("the data folder lock", () => {
  it("creates the folder and records this process's pid and start time in owner.json", () => {
    const dataDir = join(tempDir(), "created-on-acquire");
    const lock = acquireDataFolderLock(dataDir);
    expect(readDataFolderOwner(dataDir)).toEqual({ pid: process.pid, startedAt: expect.any(String) });
    lock.release();
    expect(readDataFolderOwner(dataDir)).toBeUndefined();
  });

  it("refuses a second acquisition in this process at once, naming the folder and the pid", () => {
    const dataDir = tempDir();
    const lock = acquireDataFolderLock(dataDir);
    const error = refusal(dataDir);
    expect(error).toBeInstanceOf(DataFolderInUseError);
    expect(error).toMatchObject({
      code: "data_folder_in_use",
      message: expect.stringContaining(`data folder ${dataDir} is in use by labflow pid ${process.pid}`),
    });
    lock.release();
    acquireDataFolderLock(dataDir).release();
  });

  it("refuses a folder held by another live process, naming its pid and the URL it serves", async () => {
    const dataDir = tempDir();
    const holder = await holdInAnotherProcess(dataDir, "http://127.0.0.1:5000");
    expect(refusal(dataDir)).toMatchObject({
      code: "data_folder_in_use",
      owner: { pid: holder.pid, url: "http://127.0.0.1:5000" },
      message: expect.stringMatching(
        new RegExp(`in use by labflow pid ${holder.pid} \\(since .*, serving http://127.0.0.1:5000\\)`),
      ),
    });
  });

  it("is taken over at once when its holder is SIGKILLed", async () => {
    const dataDir = tempDir();
    const holder = await holdInAnotherProcess(dataDir);
    const exited = once(holder, "exit");
    holder.kill("SIGKILL");
    await exited;
    // owner.json still names the killed process: it is information, not the lock.
    expect(readDataFolderOwner(dataDir)?.pid).toBe(holder.pid);
    const lock = acquireDataFolderLock(dataDir);
    expect(readDataFolderOwner(dataDir)?.pid).toBe(process.pid);
    lock.release();
  });

  it("is taken over at once from a holder that died and was never reaped (a zombie)", async () => {
    const dataDir = tempDir();
    const pid = await holdUnreaped(dataDir);
    process.kill(pid, "SIGKILL");
    // Node's other threads may still be ending (holding the open files) when its main thread shows Z.
    await waitUntil(
      () => processState(pid) === "Z" && threadCount(pid) === 1,
      "the killed holder to be a zombie",
    );
    // What the pid file judged by: the zombie's pid still answers signal 0.
    expect(isProcessAlive(pid)).toBe(true);
    acquireDataFolderLock(dataDir).release();
  });

  it("is free when owner.json names a live process that holds no lock (pid 1, a reused pid)", () => {
    const dataDir = tempDir();
    for (const pid of [1, process.pid]) {
      writeFileSync(
        join(dataDir, OWNER_FILE_NAME),
        JSON.stringify({ pid, startedAt: "2025-01-01T10:00:00Z" }),
      );
      acquireDataFolderLock(dataDir).release();
    }
  });

  it("releases only once: a second release leaves the next holder's lock alone", () => {
    const dataDir = tempDir();
    const first = acquireDataFolderLock(dataDir);
    first.release();
    const second = acquireDataFolderLock(dataDir);
    first.release();
    expect(readDataFolderOwner(dataDir)?.pid).toBe(process.pid);
    expect(refusal(dataDir)).toMatchObject({ code: "data_folder_in_use" });
    second.release();
    second.release();
    acquireDataFolderLock(dataDir).release();
  });

  it("names the folder and the reason when it cannot be created or locked", () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    expect(refusal(file)).toMatchObject({
      code: "data_folder_unusable",
      message: expect.stringContaining(`data folder ${file} cannot be used: EEXIST`),
    });
    const foreign = tempDir();
    writeFileSync(
      join(foreign, LOCK_FILE_NAME),
      "not a lock, but long enough to be read as a database header",
    );
    expect(refusal(foreign)).toMatchObject({
      code: "data_folder_unusable",
      message: `data folder ${foreign} cannot be used: ${LOCK_FILE_NAME}: file is not a database`,
    });
  });

  it("records the URL of the server for the CLI to find", () => {
    const dataDir = tempDir();
    const lock = acquireDataFolderLock(dataDir);
    updateDataFolderOwner(dataDir, { url: "http://127.0.0.1:5173" });
    expect(readDataFolderOwner(dataDir)).toEqual({
      pid: process.pid,
      startedAt: expect.any(String),
      url: "http://127.0.0.1:5173",
    });
    lock.release();
  });

  it("refuses to update the owner of a folder this process does not hold", async () => {
    const dataDir = tempDir();
    await holdInAnotherProcess(dataDir);
    expect(() => updateDataFolderOwner(dataDir, { url: "http://x" })).toThrow(/does not hold it/);
  });
});
