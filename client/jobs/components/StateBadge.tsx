import type { JobView } from "../../../server/schema/views.js";
/** A job's state with tomato's letter as a hint (`running (r)`). */

export function StateBadge({ job }: { job: Pick<JobView, "state" | "letter" | "paused"> }) {
  return (
    <span className={`lf-job-state job-${job.state}`} data-testid="job-state" data-state={job.state}>
      {job.state}
      <abbr className="lf-job-letter" title={`tomato's letter for ${job.state}`}>
        {job.letter}
      </abbr>
    </span>
  );
}

/** 0..1 as a bar with the percentage for screen readers; nothing when the handle reports none. */
export function ProgressBar({ progress }: { progress: number | undefined }) {
  if (progress === undefined) return <span className="lf-job-progress is-empty" />;
  const percent = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <span
      className="lf-job-progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-label="Progress"
      title={`${percent} %`}
    >
      <span style={{ width: `${percent}%` }} />
    </span>
  );
}
