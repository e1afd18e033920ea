import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { DATABASE_FILE_NAME, openSqliteStore } from "../../server/store/sqlite-store.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const writer = join(repoRoot, "test", "fixtures", "store-crash-writer.ts");
/** Enough rows per iteration that a kill often lands inside a commit. */
const MODULES_PER_RUN = 200;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/**
 * Runs the writer until it has acknowledged `acks` iterations, SIGKILLs it wherever it is, and
 * returns how many iterations it acknowledged in all before dying.
 */
async function killWriterAfter(acks: number, dataDir: string): Promise<number> {
  // node --import tsx, not the tsx binary: that one runs the script in a child a SIGKILL would miss.
  const child = spawn(process.execPath, ["--import", "tsx", writer, dataDir, String(MODULES_PER_RUN)], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let acked = 0;
  let stderr = "";
  createInterface({ input: child.stdout }).on("line", () => acked++);
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const closed = once(child, "close");
  await waitUntil(() => acked >= acks || child.exitCode !== null, `${acks} acknowledged iterations`);
  expect(child.exitCode, `the writer ended on its own: ${stderr}`).toBeNull();
  child.kill("SIGKILL");
  const [, signal] = await closed;
  expect(signal).toBe("SIGKILL");
  return acked;
}

function checkFileIntegrity(dataDir: string): void {
  const db = new Database(join(dataDir, DATABASE_FILE_NAME));
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);
  } finally {
    db.close();
  }
}

describe("the store survives SIGKILL of its process", () => {
  it.each([1, 4, 15, 40, 90])(
    "keeps every write acknowledged before a kill after %i iterations, and nothing half-written",
    async (acks) => {
      const dataDir = tempDir("labflow-crash-");
      const acked = await killWriterAfter(acks, dataDir);
      checkFileIntegrity(dataDir);

      const store = openSqliteStore(dataDir);
      try {
        const runIds = new Set(store.listRuns().map((run) => run.id));
        for (let i = 0; i < acked; i++) expect(runIds.has(`run-${i}`), `acknowledged run-${i}`).toBe(true);
        // Iterations are committed whole: each run has every write of its iteration, or is absent.
        for (const runId of runIds) {
          const i = Number(runId.slice("run-".length));
          const modules = store.modules(runId);
          expect(modules, runId).toHaveLength(MODULES_PER_RUN);
          for (const module of modules) {
            expect(module, runId).toMatchObject({ status: "done", outputs: { k: module.moduleId } });
          }
          expect(store.getJob(`job-${i}`), runId).toMatchObject({
            state: "running",
            params: { iteration: i },
          });
          expect(store.runLog(runId).map((e) => e.message)).toEqual([`iteration ${i}`]);
          const next = runIds.has(`run-${i + 1}`);
          expect(store.getRun(runId)?.status, runId).toBe(next ? "completed" : "running");
        }
      } finally {
        store.close();
      }
    },
  );
});
