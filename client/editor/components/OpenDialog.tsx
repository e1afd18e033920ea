/** Open: the saved workflows and the examples on the server; saved ones can be deleted here. */
import { useCallback, useEffect, useRef, useState } from "react";
import type { WorkflowListEntry } from "../../../server/schema/views.js";
import { api } from "../../platform/api/api-client.js";

interface OpenDialogProps {
  open: boolean;
  unsaved: boolean;
  onOpen: (name: string) => void;
  onClose: () => void;
}

export function OpenDialog({ open, unsaved, onOpen, onClose }: OpenDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [items, setItems] = useState<WorkflowListEntry[]>();
  const [error, setError] = useState<string>();
  const [confirming, setConfirming] = useState<string>();

  const load = useCallback(() => {
    setError(undefined);
    api
      .workflows()
      .then(setItems)
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setItems(undefined);
      load();
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, load]);

  const remove = async (name: string) => {
    if (confirming !== name) return setConfirming(name);
    setConfirming(undefined);
    try {
      await api.deleteWorkflow(name);
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <dialog ref={ref} className="lf-dialog lf-open-dialog" aria-labelledby="lf-open-title" onClose={onClose}>
      <h2 id="lf-open-title">Open a workflow</h2>
      {unsaved && (
        <p className="lf-warning">
          The current workflow has unsaved changes. Opening another replaces it (Undo brings it back).
        </p>
      )}
      {error && <p className="lf-error-text">{error}</p>}
      {!items && !error && <p className="lf-muted">Loading...</p>}
      {items && items.length === 0 && <p className="lf-muted">No saved workflows yet.</p>}
      {items && items.length > 0 && (
        <ul className="lf-workflow-list" aria-label="Workflows">
          {items.map((w) => (
            <li key={w.name}>
              <button
                type="button"
                className="lf-workflow-open"
                aria-label={w.name}
                onClick={() => onOpen(w.name)}
              >
                <span className="lf-workflow-name">{w.name}</span>
                {w.readOnly && <span className="lf-tag">example</span>}
                {w.description && <span className="lf-muted lf-workflow-description">{w.description}</span>}
              </button>
              {!w.readOnly && (
                <button
                  type="button"
                  className="lf-link"
                  aria-label={confirming === w.name ? `Confirm delete ${w.name}` : `Delete ${w.name}`}
                  onClick={() => remove(w.name)}
                >
                  {confirming === w.name ? "really delete?" : "delete"}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
