/** The selected job in full: every time, the whole message, its own check interval. */

import type { JobView } from "../../../server/schema/views.js";
import { hasJobData } from "../../instruments/instrument-types.js";
import { JobDataPlot } from "../../instruments/JobDataPlot.js";
import { JobFiles } from "../../results/JobFiles.js";
import { clockTime, elapsed, relativeTime } from "../format-time.js";
import { IntervalPicker } from "./IntervalPicker.js";
import { StateBadge } from "./StateBadge.js";

const JOB_SPECIAL = [{ value: "default" as const, label: "Default (global)" }];

interface JobDetailsProps {
  job: JobView;
  now: number;
  onInterval(job: JobView, intervalMs: number | null): void;
  onShowInEditor(job: JobView): void;
  onClose(): void;
}

export function JobDetails({ job, now, onInterval, onShowInEditor, onClose }: JobDetailsProps) {
  return (
    <section className="lf-job-details" aria-label={`Details of job ${job.moduleId}`}>
      <div className="lf-log-head">
        <strong>{job.moduleId}</strong> <span className="lf-muted">{job.type}</span> <StateBadge job={job} />
        <span className="lf-log-tools">
          <button type="button" onClick={() => onShowInEditor(job)}>
            Show in editor
          </button>
          <button type="button" onClick={onClose} aria-label="Close the details">
            Close
          </button>
        </span>
      </div>
      <dl className="lf-job-facts">
        <dt>Job</dt>
        <dd className="lf-code">{job.id}</dd>
        <dt>Run</dt>
        <dd className="lf-code">{job.runId}</dd>
        <dt>Submitted</dt>
        <dd>{clockTime(job.submittedAt, now)}</dd>
        <dt>Started</dt>
        <dd>{clockTime(job.startedAt, now)}</dd>
        {job.finishedAt && (
          <>
            <dt>Finished</dt>
            <dd>{clockTime(job.finishedAt, now)}</dd>
          </>
        )}
        <dt>Elapsed</dt>
        <dd>{elapsed(job, now)}</dd>
        <dt>Last checked</dt>
        <dd>{relativeTime(job.lastCheckedAt, now)}</dd>
        <dt>Next check</dt>
        <dd>{job.paused ? "paused" : job.nextCheckAt ? relativeTime(job.nextCheckAt, now) : "on request"}</dd>
        <dt>Message</dt>
        <dd className="lf-job-full-message">{job.message ?? "-"}</dd>
      </dl>
      <IntervalPicker
        label="This job: check every"
        value={job.intervalMs}
        special={JOB_SPECIAL}
        onChange={(v) => onInterval(job, typeof v === "number" ? v : null)}
      />
      <JobFiles job={job} />
      {hasJobData(job.type) && <JobDataPlot jobId={job.id} />}
    </section>
  );
}
