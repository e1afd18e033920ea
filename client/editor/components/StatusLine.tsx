/** The status line: the last notice (a refused connection, a save, an error), read out politely. */
import { useEffect, useState } from "react";
import { useEditor } from "../hooks/useEditor.js";

const SHOW_MS = 8000;

export function StatusLine() {
  const notice = useEditor((s) => s.notice);
  const [shown, setShown] = useState(notice);
  useEffect(() => {
    setShown(notice);
    if (!notice) return;
    const timer = setTimeout(() => setShown(undefined), notice.kind === "error" ? SHOW_MS * 2 : SHOW_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  return (
    <footer className="lf-statusbar">
      <div
        className={`lf-notice ${shown ? `is-${shown.kind}` : ""}`}
        role="status"
        aria-live="polite"
        data-testid="status-line"
      >
        {shown?.text ?? ""}
      </div>
      {shown && (
        <button
          type="button"
          className="lf-link"
          aria-label="Dismiss message"
          onClick={() => setShown(undefined)}
        >
          dismiss
        </button>
      )}
    </footer>
  );
}
