/**
 * The files of a run's or a job's folder, handed out for download: the path checks live here (not
 * in a route), so any transport serves only what these allow. A path is refused when it leads out
 * of the folder (`..`, another absolute path, a folder linked from inside), when the file is a
 * symbolic link, or when it has other hard links (the other name may be anywhere on the disk).
 */
import { constants, createReadStream } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import { basename, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { EngineError } from "../engine/engine-error.js";
import type { LabflowRuntime } from "../labflow-runtime.js";
import { LabflowError } from "../schema/errors.js";
import type { FileInfoView, RunLogAnswer } from "../schema/views.js";

/** A file found and opened, checked against its folder. */
export interface OpenedFile {
  info: FileInfoView;
  /** The file's bytes; the caller pipes it (or destroys it when it does not). */
  stream: Readable;
}

/** The folder of a run's files: `<data>/runs/<id>` (its jobs' folders are under `jobs/`). */
export function runFolder(runtime: LabflowRuntime, runId: string): string {
  if (!runtime.store.getRun(runId)) throw EngineError.notFound("run", runId);
  return join(runtime.dataDir, "runs", runId);
}

/**
 * The folder a run's file is checked against. Usually the run's own; but a module served from the
 * cache outputs the path its earlier run wrote, in that run's folder: an absolute path that is
 * exactly one of this run's output values, under `<data>/runs/<other id>/`, is checked against
 * that other run's folder (with the same checks). Any other path is checked against the run's own.
 */
export function runFileFolder(runtime: LabflowRuntime, runId: string, path: string): string {
  const own = runFolder(runtime, runId);
  if (!isAbsolute(path)) return own;
  const runs = resolve(runtime.dataDir, "runs");
  const other = relative(runs, resolve(path)).split(sep)[0];
  if (!other || other === ".." || other === runId || isAbsolute(other)) return own;
  const outputs = Object.values(runtime.engine.getRun(runId).modules).flatMap((m) =>
    Object.values(m.outputs ?? {}),
  );
  return outputs.includes(path) ? join(runs, other) : own;
}

/** The folder of a job's files (stdout, stderr, data.csv, results.zip). */
export function jobFolder(runtime: LabflowRuntime, jobId: string): string {
  const job = runtime.monitor.get(jobId);
  return runtime.engine.jobDir(job);
}

/**
 * The plain files directly in the folder (no links, no sub-folders), by name: what a job keeps
 * for a person to take away. A folder not made yet has none.
 */
export async function listFolderFiles(folder: string): Promise<FileInfoView[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const files: FileInfoView[] = [];
  for (const name of names.sort()) {
    const stats = await lstat(join(folder, name)).catch(() => undefined);
    if (!stats?.isFile() || stats.nlink > 1) continue;
    files.push({
      name,
      path: name,
      size: stats.size,
      contentType: contentTypeOf(name),
      modifiedAt: stats.mtime.toISOString(),
    });
  }
  return files;
}

/** What a file in the folder is; refused as `openFolderFile` refuses. */
export async function folderFileInfo(folder: string, path: string): Promise<FileInfoView> {
  const opened = await openFolderFile(folder, path);
  opened.stream.destroy();
  return opened.info;
}

/**
 * Opens a file of `folder` named by `path` (relative to the folder, or absolute inside it).
 * Throws `file_outside_folder`, `file_is_link` or `file_not_found`.
 */
export async function openFolderFile(folder: string, path: string): Promise<OpenedFile> {
  const base = resolve(folder);
  const target = resolve(base, path);
  const inside = relative(base, target);
  if (inside === "") throw new LabflowError("file_not_found", `"${path}" is the folder, not a file`);
  if (inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside)) {
    throw new LabflowError("file_outside_folder", `"${path}" is not a file of this folder`);
  }
  const stats = await lstat(target).catch(() => undefined);
  if (!stats) throw new LabflowError("file_not_found", `no file "${inside}" in this folder`);
  if (stats.isSymbolicLink()) {
    throw new LabflowError("file_is_link", `"${inside}" is a symbolic link: only plain files are served`);
  }
  if (!stats.isFile()) throw new LabflowError("file_not_found", `"${inside}" is not a file`);
  if (stats.nlink > 1) {
    throw new LabflowError("file_is_link", `"${inside}" has other hard links: only plain files are served`);
  }
  // A folder on the way may be a link to elsewhere: the real path must still be inside.
  const [realBase, realTarget] = await Promise.all([realpath(base), realpath(target)]);
  if (!`${realTarget}`.startsWith(`${realBase}${sep}`)) {
    throw new LabflowError("file_outside_folder", `"${inside}" leads outside this folder`);
  }
  // Open without following a link, and check it is still the file looked at (not swapped since).
  const handle = await open(realTarget, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) throw new LabflowError("file_not_found", `no file "${inside}" in this folder`);
  const opened = await handle.stat();
  if (opened.ino !== stats.ino || opened.dev !== stats.dev || opened.nlink > 1 || !opened.isFile()) {
    await handle.close();
    throw new LabflowError("file_is_link", `"${inside}" changed while it was opened`);
  }
  // The size seen now is what is sent (a stdout still growing is cut there: Content-Length holds).
  let stream: Readable;
  if (opened.size === 0) {
    await handle.close();
    stream = Readable.from([]);
  } else {
    stream = createReadStream("", { fd: handle, start: 0, end: opened.size - 1 });
  }
  return {
    info: {
      name: basename(target),
      path: inside.split(sep).join("/"),
      size: opened.size,
      contentType: contentTypeOf(target),
      modifiedAt: opened.mtime.toISOString(),
    },
    stream,
  };
}

const CONTENT_TYPES: Record<string, string> = {
  ".csv": "text/csv; charset=utf-8",
  ".tsv": "text/tab-separated-values; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".log": "text/plain; charset=utf-8",
  ".out": "text/plain; charset=utf-8",
  ".err": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".ndjson": "application/x-ndjson",
  ".zip": "application/zip",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
};

/** A job's own text files have no extension. */
const TEXT_NAMES = new Set(["stdout", "stderr", "exit", "pid", "job.log"]);

/** The content type a file is served with; unknown kinds are bytes (`application/octet-stream`). */
export function contentTypeOf(path: string): string {
  const name = basename(path);
  if (TEXT_NAMES.has(name)) return "text/plain; charset=utf-8";
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/**
 * A job's stdout or stderr from the start, chunk by chunk, through the job's own handle (a cluster
 * job's output is read where the job runs). Ends when a read brings nothing new.
 */
export async function* jobLogChunks(
  runtime: LabflowRuntime,
  jobId: string,
  stream: "stdout" | "stderr",
): AsyncGenerator<string> {
  let offset = 0;
  for (;;) {
    const chunk = await runtime.monitor.log(jobId, stream, offset);
    if (chunk.nextOffset <= offset || chunk.text === "") return;
    offset = chunk.nextOffset;
    yield chunk.text;
  }
}

/** A run's log: its `basic.Log` entries and module errors, oldest first. */
export function runLog(runtime: LabflowRuntime, runId: string, afterSeq?: number): RunLogAnswer {
  if (!runtime.store.getRun(runId)) throw EngineError.notFound("run", runId);
  const entries = runtime.store.runLog(runId, afterSeq).map((entry) => ({
    seq: entry.seq,
    runId: entry.runId,
    ...(entry.moduleId !== undefined ? { moduleId: entry.moduleId } : {}),
    at: entry.at,
    level: entry.level,
    message: entry.message,
  }));
  return { entries };
}
