/**
 * One pipeline in the Pipelines panel: its roles (device channel and techniques), the sample, the
 * ready flag, the job holding it, and the actions Load, Eject, Ready / Not ready. The server judges
 * every action (tomato's rules): a refusal is shown with the server's own message.
 */
import { type FormEvent, useEffect, useId, useState } from "react";
import type { PipelineStatusView as PipelineView } from "../../server/schema/pipelines-api.js";
import type { JobView } from "../../server/schema/views.js";
import { instrumentsApi } from "./instruments-api.js";
import type { PipelineActions } from "./usePipelines.js";

interface PipelineCardProps {
  pipeline: PipelineView;
  actions: PipelineActions;
  onFocusJob(job: JobView): void;
}

/** The job holding a pipeline, fetched once per job id (for its module id and run). */
function useHeldJob(jobId: string | undefined): JobView | undefined {
  const [job, setJob] = useState<JobView>();
  useEffect(() => {
    setJob(undefined);
    if (!jobId) return;
    let alive = true;
    instrumentsApi
      .job(jobId)
      .then((j) => alive && setJob(j))
      .catch(() => {});
    return () => {
      alive = false;
    };
  }, [jobId]);
  return job;
}

export function PipelineCard({ pipeline, actions, onFocusJob }: PipelineCardProps) {
  const { name } = pipeline;
  const sampleId = useId();
  const [sample, setSample] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const job = useHeldJob(pipeline.jobId);

  const run = async (action: () => Promise<string | undefined>, after?: () => void) => {
    setBusy(true);
    setRefusal(undefined);
    const message = await action();
    setBusy(false);
    setRefusal(message);
    if (!message) after?.();
  };
  const load = (e: FormEvent) => {
    e.preventDefault();
    if (sample.trim() === "") return;
    void run(
      () => actions.load(name, sample.trim()),
      () => setSample(""),
    );
  };

  const status = pipeline.jobId ? "busy" : pipeline.ready ? "ready" : pipeline.sample ? "loaded" : "empty";
  return (
    <article className="lf-pipeline" aria-label={`Pipeline ${name}`} data-status={status}>
      <header className="lf-pipeline-head">
        <strong>{name}</strong>
        <span className={`lf-pipeline-status is-${status}`} data-testid="pipeline-status">
          {status === "busy" ? "running a job" : status === "loaded" ? "not ready" : status}
        </span>
      </header>
      <dl className="lf-pipeline-facts">
        <dt>Roles</dt>
        <dd>
          <ul className="lf-pipeline-roles">
            {Object.entries(pipeline.roles).map(([role, target]) => (
              <li key={role}>
                <span className="lf-code">{role}</span> &rarr; {target.device}/{target.channel}{" "}
                <span className="lf-muted">
                  ({target.techniques.length > 0 ? target.techniques.join(", ") : "no techniques"})
                </span>
              </li>
            ))}
          </ul>
        </dd>
        <dt>Sample</dt>
        <dd data-testid="pipeline-sample">{pipeline.sample ?? <span className="lf-muted">none</span>}</dd>
        <dt>Ready</dt>
        <dd data-testid="pipeline-ready">{pipeline.ready ? "yes" : "no"}</dd>
        <dt>Job</dt>
        <dd data-testid="pipeline-job">
          {pipeline.jobId ? (
            <button
              type="button"
              className="lf-link-button"
              disabled={!job}
              onClick={() => job && onFocusJob(job)}
              title={`Show job ${pipeline.jobId} in the editor`}
            >
              {job ? `${job.moduleId} (${job.state})` : pipeline.jobId}
            </button>
          ) : (
            <span className="lf-muted">none</span>
          )}
        </dd>
      </dl>
      <form className="lf-pipeline-load" onSubmit={load}>
        <label htmlFor={sampleId}>Sample for {name}</label>
        <input
          id={sampleId}
          type="text"
          value={sample}
          maxLength={200}
          placeholder="sample name"
          onChange={(e) => setSample(e.target.value)}
        />
        <button type="submit" disabled={busy || sample.trim() === ""}>
          Load
        </button>
      </form>
      <div className="lf-pipeline-actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => void run(() => actions.eject(name))}
          title="Take the sample out (refused while a job runs)"
        >
          Eject
        </button>
        {pipeline.ready ? (
          <button type="button" disabled={busy} onClick={() => void run(() => actions.ready(name, false))}>
            Not ready
          </button>
        ) : (
          <button
            type="button"
            disabled={busy}
            onClick={() => void run(() => actions.ready(name, true))}
            title="Jobs waiting for this pipeline and its sample may take it"
          >
            Ready
          </button>
        )}
      </div>
      {refusal && (
        <p className="lf-error-text" role="alert">
          {refusal}
        </p>
      )}
    </article>
  );
}
