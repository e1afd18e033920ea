/**
 * What the Results panel and the run log ask the server: a file's facts, its text, its download
 * address, and the run's log. Answers are parsed with the contract's schemas (server/schema).
 */
import { FileInfoView, JobFilesAnswer, RunLogAnswer } from "../../server/schema/views.js";
import { request } from "../platform/api/api-client.js";

const enc = encodeURIComponent;

/** Where a browser downloads a file of a run's folder (the token travels as the page's cookie). */
export function runFileUrl(runId: string, path: string): string {
  return `/api/runs/${enc(runId)}/files?path=${enc(path)}`;
}

/** Where a browser downloads a file of a job's folder. */
export function jobFileUrl(jobId: string, path: string): string {
  return `/api/jobs/${enc(jobId)}/files?path=${enc(path)}`;
}

/** Where a browser downloads a job's whole stdout or stderr. */
export function jobLogUrl(jobId: string, stream: "stdout" | "stderr"): string {
  return `/api/jobs/${enc(jobId)}/log?stream=${stream}&download=1`;
}

export function fileInfo(runId: string, path: string): Promise<FileInfoView> {
  return request(FileInfoView, "GET", `/runs/${enc(runId)}/file-info?path=${enc(path)}`);
}

/** The plain files of a job's folder (stdout, stderr, data.csv, results.zip, ...). */
export async function jobFiles(jobId: string): Promise<FileInfoView[]> {
  return (await request(JobFilesAnswer, "GET", `/jobs/${enc(jobId)}/files`)).files;
}

/** A text file's content, for reading in place. */
export async function fileText(runId: string, path: string): Promise<string> {
  const response = await fetch(runFileUrl(runId, path), { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the file could not be read (HTTP ${response.status})`);
  return response.text();
}

export async function runLog(runId: string, afterSeq?: number): Promise<RunLogAnswer["entries"]> {
  const after = afterSeq === undefined ? "" : `?afterSeq=${afterSeq}`;
  return (await request(RunLogAnswer, "GET", `/runs/${enc(runId)}/log${after}`)).entries;
}

/** Whether a content type is text a person reads in place. */
export function isText(contentType: string): boolean {
  return /^text\/|^application\/(json|x-ndjson)/.test(contentType);
}

/** A size in words: 512 B, 1.2 kB, 3.4 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
