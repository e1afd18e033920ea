/** Asks before something that cannot be undone (cancelling real work). */
import { useEffect, useRef } from "react";

export interface Confirmation {
  title: string;
  text: string;
  confirm: string;
  onConfirm(): void;
}

export function ConfirmDialog({ ask, onDone }: { ask: Confirmation | undefined; onDone(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (ask && !dialog.open) dialog.showModal();
    if (!ask && dialog.open) dialog.close();
  }, [ask]);
  return (
    <dialog ref={ref} className="lf-dialog" aria-label={ask?.title ?? "Confirm"} onClose={onDone}>
      {ask && (
        <>
          <h2>{ask.title}</h2>
          <p>{ask.text}</p>
          <div className="lf-dialog-buttons">
            <button
              type="button"
              className="lf-danger"
              onClick={() => {
                ask.onConfirm();
                onDone();
              }}
            >
              {ask.confirm}
            </button>
            <button type="button" onClick={onDone}>
              Keep it
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
