/**
 * The files a job keeps that a person takes away (stdout, stderr; an instrument Task's data.csv,
 * results.zip and job log), each with its size and a Download link.
 */
import { useEffect, useState } from "react";
import type { FileInfoView, JobView } from "../../server/schema/views.js";
import { formatSize, jobFiles, jobFileUrl } from "./results-api.js";

/** A job's own bookkeeping, of no use to a person. */
const HIDDEN = new Set(["pid", "launching", "exit"]);

export function JobFiles({ job }: { job: JobView }) {
  const [files, setFiles] = useState<FileInfoView[]>([]);
  const { id, state } = job;
  useEffect(() => {
    let live = true;
    void state; // asked again at each state: a Task writes its archive when it ends
    jobFiles(id)
      .then((found) => live && setFiles(found.filter((f) => !HIDDEN.has(f.name))))
      .catch(() => live && setFiles([]));
    return () => {
      live = false;
    };
  }, [id, state]);
  if (files.length === 0) return null;
  return (
    <ul className="lf-job-files" aria-label={`Files of job ${job.moduleId}`}>
      {files.map((f) => (
        <li key={f.path}>
          <span className="lf-file-name">{f.name}</span>{" "}
          <span className="lf-muted">{formatSize(f.size)}</span>{" "}
          <a href={jobFileUrl(job.id, f.path)} download={f.name} aria-label={`Download ${f.name}`}>
            Download
          </a>
        </li>
      ))}
    </ul>
  );
}
