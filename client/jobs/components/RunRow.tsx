/** A run in the list: its state, its jobs in numbers, and the actions on all of its jobs. */
import { memo } from "react";
import { clockTime } from "../format-time.js";
import { type JobCounts, runIsActive } from "../job-rows.js";
import type { RunInfo } from "../job-types.js";

export interface RunRowActions {
  toggle(key: string): void;
  checkAll(runId: string): void;
  pauseAll(runId: string): void;
  resumeChecks(runId: string): void;
  resume(runId: string): void;
  cancel(run: RunInfo): void;
  openInEditor(runId: string): void;
}

interface RunRowProps {
  rowKey: string;
  run: RunInfo;
  counts: JobCounts;
  waitsForPerson: boolean;
  collapsed: boolean;
  now: number;
  actions: RunRowActions;
}

export const RunRow = memo(function RunRow(p: RunRowProps) {
  const { run, counts, actions } = p;
  const active = runIsActive(run);
  return (
    // biome-ignore lint/a11y/useSemanticElements: a row of a virtual list, not a form fieldset
    <div
      role="group"
      aria-label={`Run ${run.id}`}
      className="lf-run-row"
      data-run-id={run.id}
      data-status={run.status}
    >
      <div className="lf-job-line">
        <button
          type="button"
          className="lf-tree-toggle"
          aria-expanded={!p.collapsed}
          aria-label={`${p.collapsed ? "Expand" : "Collapse"} run ${run.id}`}
          onClick={() => actions.toggle(p.rowKey)}
        >
          {p.collapsed ? "▸" : "▾"}
        </button>
        <span className="lf-run-id">{run.id}</span>
        <span className={`lf-badge run-${run.status}`} data-testid="run-state">
          {run.status}
        </span>
        <span className="lf-muted">
          {counts.total} job{counts.total === 1 ? "" : "s"}
          {counts.active > 0 && `, ${counts.active} active`}
          {counts.paused > 0 && `, ${counts.paused} paused`}
          {counts.failed > 0 && `, ${counts.failed} failed`}
          {run.createdAt && ` · ${clockTime(run.createdAt, p.now)}`}
        </span>
      </div>
      {p.waitsForPerson && (
        <div className="lf-job-line">
          <span className="lf-run-waits" role="note">
            Waits for you: a job finished and auto-resume is off.
          </span>
          <button type="button" className="lf-primary" onClick={() => actions.resume(run.id)}>
            Resume
          </button>
        </div>
      )}
      <div className="lf-job-line lf-job-actions">
        <button type="button" onClick={() => actions.checkAll(run.id)} disabled={counts.active === 0}>
          Check all
        </button>
        {counts.paused > 0 && counts.paused === counts.active ? (
          <button type="button" onClick={() => actions.resumeChecks(run.id)}>
            Resume checks
          </button>
        ) : (
          <button type="button" onClick={() => actions.pauseAll(run.id)} disabled={counts.active === 0}>
            Pause all
          </button>
        )}
        <button type="button" onClick={() => actions.cancel(run)} disabled={!active}>
          Cancel run
        </button>
        <button
          type="button"
          onClick={() => actions.openInEditor(run.id)}
          title="Open the run's workflow with each module's state"
        >
          Open in editor
        </button>
      </div>
    </div>
  );
});
