/** One job in the list: name, type, state, progress, times, last message, and its actions. */
import { memo } from "react";
import { isFinishedJob } from "../../../server/schema/states.js";
import type { JobView } from "../../../server/schema/views.js";
import { clockTime, elapsed, relativeTime } from "../format-time.js";
import { jobProgress } from "../job-progress.js";
import type { LogStream } from "../job-types.js";
import { ProgressBar, StateBadge } from "./StateBadge.js";

export interface JobRowActions {
  select(job: JobView): void;
  check(job: JobView): void;
  pause(job: JobView): void;
  resume(job: JobView): void;
  cancel(job: JobView): void;
  remove(job: JobView): void;
  showLog(job: JobView, stream: LogStream): void;
}

interface JobRowProps {
  job: JobView;
  now: number;
  selected: boolean;
  actions: JobRowActions;
}

export const JobRow = memo(function JobRow({ job, now, selected, actions }: JobRowProps) {
  const finished = isFinishedJob(job.state);
  const checks = finished
    ? `finished ${clockTime(job.finishedAt, now)}`
    : job.paused
      ? `checked ${relativeTime(job.lastCheckedAt, now)} · checks paused`
      : `checked ${relativeTime(job.lastCheckedAt, now)} · next ${job.nextCheckAt ? relativeTime(job.nextCheckAt, now) : "on request"}`;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of a virtual list, not a form fieldset
    <div
      role="group"
      aria-label={`Job ${job.moduleId}`}
      className={`lf-job-row${selected ? " is-selected" : ""}`}
      data-job-id={job.id}
      data-module-id={job.moduleId}
      data-state={job.state}
      data-paused={job.paused ? "true" : "false"}
      data-last-checked={job.lastCheckedAt ?? ""}
      data-next-check={job.nextCheckAt ?? ""}
    >
      <div className="lf-job-line">
        <button
          type="button"
          className="lf-job-name"
          onClick={() => actions.select(job)}
          title="Select the job and its module in the editor"
        >
          {job.moduleId}
        </button>
        <span className="lf-job-type">{job.type}</span>
        <StateBadge job={job} />
        {job.paused && !finished && <span className="lf-tag">paused</span>}
        <ProgressBar progress={jobProgress(job, now)} />
      </div>
      <div className="lf-job-line lf-job-times">
        <span title={job.submittedAt}>submitted {clockTime(job.submittedAt, now)}</span>
        {job.startedAt && <span title={job.startedAt}>started {clockTime(job.startedAt, now)}</span>}
        <span>elapsed {elapsed(job, now)}</span>
        <span data-testid="job-checks">{checks}</span>
        {job.message && (
          <span className="lf-job-message" title={job.message}>
            {job.message}
          </span>
        )}
      </div>
      <div className="lf-job-line lf-job-actions">
        <button type="button" onClick={() => actions.check(job)} disabled={finished} title="Check now">
          Check now
        </button>
        {job.paused ? (
          <button
            type="button"
            onClick={() => actions.resume(job)}
            disabled={finished}
            title="Resume checking this job"
          >
            Resume checking
          </button>
        ) : (
          <button
            type="button"
            onClick={() => actions.pause(job)}
            disabled={finished}
            title="Pause checking this job"
          >
            Pause checking
          </button>
        )}
        <button
          type="button"
          onClick={() => actions.cancel(job)}
          disabled={finished}
          title="Cancel: stop the real work"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={() => actions.remove(job)}
          title="Delete from the list (cancels it first when active)"
        >
          Delete
        </button>
        <button type="button" onClick={() => actions.showLog(job, "stdout")} title="Show stdout">
          stdout
        </button>
        <button type="button" onClick={() => actions.showLog(job, "stderr")} title="Show stderr">
          stderr
        </button>
      </div>
    </div>
  );
});
