/** Short notices in a corner: a job completed or failed, an action's result. Read out politely. */
import "../jobs.css";
import type { Toast } from "../useJobMonitor.js";

export function JobToasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss(id: number): void }) {
  return (
    <div className="lf-toasts" role="status" aria-live="polite" data-testid="job-toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`lf-toast is-${t.kind}`}>
          <span>{t.text}</span>
          <button type="button" className="lf-link" aria-label="Dismiss" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
