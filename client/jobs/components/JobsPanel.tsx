/**
 * The Job Monitor (region "Jobs"): every run and job, live; filter, search and sort; actions on a job
 * and on a run; the global settings; the selected job's details and its stdout/stderr.
 * Open beside the canvas or as its own page (`/?view=jobs`).
 */
import "../jobs.css";
import { useCallback, useMemo, useState } from "react";
import { isFinishedJob } from "../../../server/schema/states.js";
import type { JobView } from "../../../server/schema/views.js";
import { buildRows, type SortOrder, type StateFilter } from "../job-rows.js";
import type { LogStream, RunInfo } from "../job-types.js";
import type { JobMonitorData } from "../useJobMonitor.js";
import { useNow } from "../useNow.js";
import { type Confirmation, ConfirmDialog } from "./ConfirmDialog.js";
import { JobDetails } from "./JobDetails.js";
import { JobList } from "./JobList.js";
import type { JobRowActions } from "./JobRow.js";
import { ListControls } from "./ListControls.js";
import { LogView } from "./LogView.js";
import { MonitorSettingsBar } from "./MonitorSettingsBar.js";
import type { RunRowActions } from "./RunRow.js";

export type JobsMode = "side" | "page";

interface JobsPanelProps {
  monitor: JobMonitorData;
  mode: JobsMode;
  /** A job was clicked: select and centre its module in the editor. */
  onFocusJob(job: JobView): void;
  /** Open a run's workflow in the editor with each module's state. */
  onOpenRun(runId: string): void;
  onMode(mode: JobsMode | "closed"): void;
}

export function JobsPanel({ monitor, mode, onFocusJob, onOpenRun, onMode }: JobsPanelProps) {
  const { model, version, structure, actions } = monitor;
  const now = useNow();
  const [state, setState] = useState<StateFilter>("all");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<SortOrder>("newest");
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string>();
  const [log, setLog] = useState<{ jobId: string; stream: LogStream }>();
  const [ask, setAsk] = useState<Confirmation>();

  // Rows are re-grouped only when they may move; a check that moves times re-renders the rows in view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `structure` says when the mutable model's rows may have moved
  const { rows, active } = useMemo(() => {
    let activeJobs = 0;
    for (const job of model.jobs.values()) if (!isFinishedJob(job.state)) activeJobs++;
    const list = buildRows(model.runs, model.jobs.values(), { state, search, sort, collapsed }, (job) =>
      model.awaitsResume(job),
    );
    return { rows: list, active: activeJobs };
  }, [model, structure, state, search, sort, collapsed]);

  const toggle = useCallback((key: string) => {
    setCollapsed((keys) => {
      const next = new Set(keys);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  const jobActions = useMemo(
    (): JobRowActions => ({
      select(job) {
        setSelected(job.id);
        if (mode === "side") onFocusJob(job);
      },
      check: (job) => void actions.checkJob(job),
      pause: (job) => void actions.pauseJob(job),
      resume: (job) => void actions.resumeJob(job),
      cancel: (job) =>
        setAsk({
          title: `Cancel job ${job.moduleId}?`,
          text: `The real work stops (${job.type}); the module fails as cancelled. This cannot be undone.`,
          confirm: "Cancel job",
          onConfirm: () => void actions.cancelJob(job),
        }),
      remove(job) {
        const go = () => {
          void actions.deleteJob(job);
          setSelected((id) => (id === job.id ? undefined : id));
          setLog((l) => (l?.jobId === job.id ? undefined : l));
        };
        if (isFinishedJob(job.state)) return go();
        setAsk({
          title: `Delete job ${job.moduleId}?`,
          text: "It is still active: it is cancelled first (the real work stops), then removed from the list.",
          confirm: "Cancel and delete",
          onConfirm: go,
        });
      },
      showLog(job, stream) {
        setSelected(job.id);
        setLog({ jobId: job.id, stream });
      },
    }),
    [actions, mode, onFocusJob],
  );

  const runActions = useMemo(
    (): RunRowActions => ({
      toggle,
      checkAll: (id) => void actions.checkRun(id),
      pauseAll: (id) => void actions.pauseRun(id),
      resumeChecks: (id) => void actions.resumeRunChecks(id),
      resume: (id) => void actions.resumeRun(id),
      cancel: (run: RunInfo) =>
        setAsk({
          title: `Cancel run ${run.id}?`,
          text: "Every active job of the run is cancelled (the real work stops) and the run ends cancelled.",
          confirm: "Cancel run",
          onConfirm: () => void actions.cancelRun(run.id),
        }),
      openInEditor: onOpenRun,
    }),
    [actions, toggle, onOpenRun],
  );

  const selectedJob = selected ? model.jobs.get(selected) : undefined;
  const logJob = log ? model.jobs.get(log.jobId) : undefined;
  const filtered = state !== "all" || search.trim() !== "";
  return (
    <section
      className={`lf-jobs is-${mode}`}
      aria-label="Jobs"
      data-loaded={monitor.loaded ? "true" : "false"}
    >
      <header className="lf-jobs-head">
        <h2>Jobs</h2>
        <span className="lf-muted" data-testid="jobs-count">
          {model.jobs.size} job{model.jobs.size === 1 ? "" : "s"}, {active} active
        </span>
        <span
          className={`lf-live ${monitor.connected ? "is-live" : "is-offline"}`}
          title={monitor.connected ? "live updates connected" : "live updates disconnected: reconnecting"}
        >
          {monitor.connected ? "live" : "offline"}
        </span>
        <span className="lf-jobs-head-tools">
          {mode === "side" ? (
            <>
              <button
                type="button"
                onClick={() => onMode("page")}
                title="Show the Job Monitor on its own page"
              >
                Full page
              </button>
              <button type="button" onClick={() => onMode("closed")} aria-label="Close the Job Monitor">
                Close
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => onMode("side")}
              title="Back to the editor, with the jobs beside it"
            >
              Editor
            </button>
          )}
        </span>
      </header>
      <MonitorSettingsBar settings={monitor.settings} actions={actions} />
      <ListControls
        state={state}
        search={search}
        sort={sort}
        onState={setState}
        onSearch={setSearch}
        onSort={setSort}
      />
      <JobList
        rows={rows}
        jobs={model.jobs}
        version={version}
        collapsed={collapsed}
        selectedJob={selected}
        now={now}
        jobActions={jobActions}
        runActions={runActions}
        empty={
          !monitor.loaded
            ? "Loading jobs…"
            : filtered
              ? "No job matches."
              : "No jobs yet: run a workflow with a job module."
        }
      />
      {selectedJob && !log && (
        <JobDetails
          job={selectedJob}
          now={now}
          onInterval={(job, ms) => void actions.setJobInterval(job, ms)}
          onShowInEditor={onFocusJob}
          onClose={() => setSelected(undefined)}
        />
      )}
      {log && logJob && (
        <LogView
          key={`${log.jobId}:${log.stream}`}
          job={logJob}
          stream={log.stream}
          onStream={(stream) => setLog({ jobId: log.jobId, stream })}
          onClose={() => setLog(undefined)}
        />
      )}
      <ConfirmDialog ask={ask} onDone={() => setAsk(undefined)} />
    </section>
  );
}
