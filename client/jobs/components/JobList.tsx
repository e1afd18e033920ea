/**
 * The tree of workflows, runs and jobs as one virtual list (@tanstack/react-virtual): only the rows
 * in view are in the page, so thousands of jobs scroll as fast as ten. Row heights are fixed per kind.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useRef } from "react";
import type { JobView } from "../../../server/schema/views.js";
import { ROW_HEIGHT, type Row, rowHeight } from "../job-rows.js";
import { JobRow, type JobRowActions } from "./JobRow.js";
import { RunRow, type RunRowActions } from "./RunRow.js";

interface JobListProps {
  rows: readonly Row[];
  /** The jobs as they are now: a row may hold an older copy (rows are re-grouped less often). */
  jobs: ReadonlyMap<string, JobView>;
  /** Changes when any job did: the rows in view re-render. */
  version: number;
  collapsed: ReadonlySet<string>;
  selectedJob: string | undefined;
  now: number;
  jobActions: JobRowActions;
  runActions: RunRowActions;
  empty: string;
}

export function JobList(p: JobListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const { rows } = p;
  const getItemKey = useCallback((i: number) => rows[i]?.key ?? i, [rows]);
  const estimateSize = useCallback(
    (i: number) => {
      const row = rows[i];
      return row ? rowHeight(row) : ROW_HEIGHT.job;
    },
    [rows],
  );
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize,
    getItemKey,
    overscan: 6,
  });

  return (
    <div ref={scroller} className="lf-job-list" data-testid="job-list" data-rows={rows.length}>
      {rows.length === 0 && <p className="lf-muted lf-job-empty">{p.empty}</p>}
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={item.key}
              className={`lf-row lf-row-${row.kind}`}
              style={{
                position: "absolute",
                top: 0,
                left: 0,
                right: 0,
                height: item.size,
                transform: `translateY(${item.start}px)`,
              }}
            >
              {row.kind === "workflow" ? (
                <button
                  type="button"
                  className="lf-workflow-row"
                  aria-expanded={!p.collapsed.has(row.key)}
                  onClick={() => p.runActions.toggle(row.key)}
                  data-workflow={row.name}
                >
                  {p.collapsed.has(row.key) ? "▸" : "▾"} {row.name}
                  <span className="lf-muted">
                    {" "}
                    · {row.runs} run{row.runs === 1 ? "" : "s"}, {row.jobs} job{row.jobs === 1 ? "" : "s"}
                  </span>
                </button>
              ) : row.kind === "run" ? (
                <RunRow
                  rowKey={row.key}
                  run={row.run}
                  counts={row.counts}
                  waitsForPerson={row.waitsForPerson}
                  collapsed={p.collapsed.has(row.key)}
                  now={p.now}
                  actions={p.runActions}
                />
              ) : (
                <JobRow
                  job={p.jobs.get(row.job.id) ?? row.job}
                  now={p.now}
                  selected={row.job.id === p.selectedJob}
                  actions={p.jobActions}
                />
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
