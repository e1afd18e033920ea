/** The top bar: document actions, undo/redo, run controls and help. Every button has a name. */

import { isFinishedRun } from "../../../server/schema/states.js";
import type { RunView } from "../run/run-state.js";

export interface ToolbarProps {
  name: string;
  unsaved: boolean;
  canUndo: boolean;
  canRedo: boolean;
  run: RunView | undefined;
  starting: boolean;
  connected: boolean;
  onNew(): void;
  onOpen(): void;
  onSave(): void;
  onImport(): void;
  onExport(): void;
  onUndo(): void;
  onRedo(): void;
  onRun(): void;
  onCancel(): void;
  onClearRun(): void;
  onHelp(): void;
  /** The Job Monitor is shown (beside the canvas or as a page). */
  jobsOpen: boolean;
  onToggleJobs(): void;
  /** The Pipelines panel is shown. */
  pipelinesOpen?: boolean;
  onTogglePipelines?(): void;
}

export function Toolbar(p: ToolbarProps) {
  const active = p.run !== undefined && !isFinishedRun(p.run.status);
  return (
    <header className="lf-toolbar">
      <div className="lf-brand" title="labflow">
        labflow
      </div>
      <div className="lf-doc-name" title={p.unsaved ? "changes not saved to the server" : "saved"}>
        {p.name || "(unnamed)"}
        {p.unsaved && (
          <span className="lf-unsaved" role="img" aria-label="unsaved changes">
            {" "}
            &bull;
          </span>
        )}
      </div>
      <nav className="lf-actions" aria-label="Workflow actions">
        <button type="button" onClick={p.onNew} title="Start a new, empty workflow">
          New
        </button>
        <button type="button" onClick={p.onOpen} title="Open a saved or example workflow">
          Open
        </button>
        <button type="button" onClick={p.onSave} title="Save to the server (Ctrl+S)">
          Save
        </button>
        <button type="button" onClick={p.onImport} title="Import a .json workflow file">
          Import
        </button>
        <button type="button" onClick={p.onExport} title="Download the workflow as a .json file">
          Export
        </button>
        <span className="lf-sep" />
        <button type="button" onClick={p.onUndo} disabled={!p.canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={p.onRedo} disabled={!p.canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <span className="lf-sep" />
        <button
          type="button"
          className="lf-primary"
          onClick={p.onRun}
          disabled={p.starting}
          title="Run the workflow (Ctrl+Enter)"
        >
          Run
        </button>
        {active && (
          <button type="button" onClick={p.onCancel} title="Cancel the run; its running jobs are stopped">
            Cancel
          </button>
        )}
        {p.run && !active && (
          <button type="button" onClick={p.onClearRun} title="Hide the states of the last run">
            Clear states
          </button>
        )}
      </nav>
      <div className="lf-run-status" aria-live="polite">
        {p.run && (
          <span>
            <span className="lf-muted">{p.run.runId}</span>{" "}
            <span
              className={`lf-badge run-${p.run.status}`}
              data-testid="run-status"
              data-status={p.run.status}
            >
              {p.run.status}
            </span>
          </span>
        )}
        <span
          className={`lf-live ${p.connected ? "is-live" : "is-offline"}`}
          title={p.connected ? "live updates connected" : "live updates disconnected: reconnecting"}
        >
          {p.connected ? "live" : "offline"}
        </span>
      </div>
      <button
        type="button"
        aria-pressed={p.jobsOpen}
        onClick={p.onToggleJobs}
        title="The Job Monitor: every job, with check, pause, cancel and logs"
      >
        Jobs
      </button>
      {p.onTogglePipelines && (
        <button
          type="button"
          aria-pressed={p.pipelinesOpen ?? false}
          onClick={p.onTogglePipelines}
          title="Pipelines: load samples, mark them ready, see which job holds each"
        >
          Pipelines
        </button>
      )}
      <button type="button" className="lf-help-button" onClick={p.onHelp} title="Keyboard shortcuts (?)">
        Help
      </button>
    </header>
  );
}
