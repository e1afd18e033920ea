import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  acquireDataFolderLock,
  LOCK_FILE_NAME,
  readDataFolderLock,
  updateDataFolderLock,
} from "../../../server/store/data-folder-lock.js";
import { tempDir } from "../../helpers/temp-dir.js";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
  return child.pid as number;
}

/** A live process that is not this one. */
async function livePid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  children.push(child);
  await once(child, "spawn");
  return child.pid as number;
}

function writeLock(dataDir: string, content: unknown): void {
  writeFileSync(join(dataDir, LOCK_FILE_NAME), JSON.stringify(content));
}

describe("the data folder lock", () => {
  it("records this process's pid and start time in labflow.lock", () => {
    const dataDir = join(tempDir(), "created-on-acquire");
    const lock = acquireDataFolderLock(dataDir);
    expect(readDataFolderLock(dataDir)).toEqual({ pid: process.pid, startedAt: expect.any(String) });
    lock.release();
    expect(readDataFolderLock(dataDir)).toBeUndefined();
  });

  it("refuses a second owner, naming the folder and the pid that holds it", () => {
    const dataDir = tempDir();
    const lock = acquireDataFolderLock(dataDir);
    expect(() => acquireDataFolderLock(dataDir)).toThrow(
      `data folder ${dataDir} is in use by labflow pid ${process.pid}`,
    );
    lock.release();
    acquireDataFolderLock(dataDir).release();
  });

  it("refuses a folder locked by another live process", async () => {
    const dataDir = tempDir();
    const pid = await livePid();
    writeLock(dataDir, { pid, startedAt: "2025-01-01T10:00:00.000Z", url: "http://127.0.0.1:5000" });
    expect(() => acquireDataFolderLock(dataDir)).toThrow(
      expect.objectContaining({
        code: "data_folder_in_use",
        message: expect.stringContaining(`in use by labflow pid ${pid}`),
      }),
    );
  });

  it("takes over the stale lock of a dead process", async () => {
    const dataDir = tempDir();
    const pid = await deadPid();
    writeLock(dataDir, { pid, startedAt: "2025-01-01T10:00:00.000Z" });
    const lock = acquireDataFolderLock(dataDir);
    expect(readDataFolderLock(dataDir)?.pid).toBe(process.pid);
    lock.release();
  });

  it("takes over an unreadable lock file left long ago, and refuses one being written now", () => {
    const dataDir = tempDir();
    const path = join(dataDir, LOCK_FILE_NAME);
    writeFileSync(path, "");
    expect(() => acquireDataFolderLock(dataDir)).toThrow(/being taken by another labflow process/);
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(path, longAgo, longAgo);
    acquireDataFolderLock(dataDir).release();
  });

  it("releases only its own lock, and only once", () => {
    const dataDir = tempDir();
    const first = acquireDataFolderLock(dataDir);
    first.release();
    const second = acquireDataFolderLock(dataDir);
    first.release();
    expect(readDataFolderLock(dataDir)).toBeDefined();
    second.release();
    second.release();
    expect(readDataFolderLock(dataDir)).toBeUndefined();
  });

  it("records the URL of the server for the CLI to find", () => {
    const dataDir = tempDir();
    const lock = acquireDataFolderLock(dataDir);
    updateDataFolderLock(dataDir, { url: "http://127.0.0.1:5173" });
    expect(readDataFolderLock(dataDir)).toEqual({
      pid: process.pid,
      startedAt: expect.any(String),
      url: "http://127.0.0.1:5173",
    });
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE_NAME), "utf8")).url).toBe("http://127.0.0.1:5173");
    lock.release();
  });

  it("refuses to update a lock this process does not hold", async () => {
    const dataDir = tempDir();
    writeLock(dataDir, { pid: await livePid(), startedAt: "2025-01-01T10:00:00.000Z" });
    expect(() => updateDataFolderLock(dataDir, { url: "http://x" })).toThrow(/does not hold it/);
  });
});
