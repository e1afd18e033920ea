/**
 * The Pipelines panel (region "Pipelines"): every pipeline of the devices file with its roles,
 * sample, ready flag and the job holding it; load, eject and ready from here, as with
 * `labflow pipeline ...`. Without a devices file it shows the server's word on how to give one.
 */
import "./instruments.css";
import type { JobView } from "../../server/schema/views.js";
import { PipelineCard } from "./PipelineCard.js";
import { usePipelines } from "./usePipelines.js";

interface PipelinesPanelProps {
  onClose(): void;
  /** A holding job was clicked: show its module in the editor. */
  onFocusJob(job: JobView): void;
}

export function PipelinesPanel({ onClose, onFocusJob }: PipelinesPanelProps) {
  const { answer, error, actions } = usePipelines();
  return (
    <section className="lf-pipelines" aria-label="Pipelines">
      <div className="lf-panel-head lf-pipelines-head">
        Pipelines
        <button type="button" onClick={onClose} aria-label="Close the Pipelines panel">
          Close
        </button>
      </div>
      <div className="lf-pipelines-body">
        {error && (
          <p className="lf-error-text" role="alert">
            Could not read the pipelines: {error}
          </p>
        )}
        {!answer && !error && <p className="lf-muted">Loading...</p>}
        {answer && !answer.configured && (
          <p className="lf-pipelines-unconfigured" data-testid="pipelines-unconfigured">
            {answer.message ?? "No instruments are configured on this server."}
          </p>
        )}
        {answer?.configured && (
          <>
            <p className="lf-muted lf-pipelines-source" title="The devices file of this server">
              {answer.devicesFile}
            </p>
            {answer.pipelines.length === 0 && <p>The devices file declares no pipelines.</p>}
            {answer.pipelines.map((pipeline) => (
              <PipelineCard
                key={pipeline.name}
                pipeline={pipeline}
                actions={actions}
                onFocusJob={onFocusJob}
              />
            ))}
          </>
        )}
      </div>
    </section>
  );
}
