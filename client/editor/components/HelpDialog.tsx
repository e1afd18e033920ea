/** The help dialog: every keyboard shortcut, from the same table the key handler uses. */
import { useEffect, useRef } from "react";
import { SHORTCUTS } from "../core/shortcuts.js";

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="lf-dialog" aria-labelledby="lf-help-title" onClose={onClose}>
      <h2 id="lf-help-title">Keyboard shortcuts</h2>
      <table className="lf-shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && " or "}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Mouse</h3>
      <ul>
        <li>Drag a module from the palette onto the canvas, or double-click it.</li>
        <li>
          Drag from an output (right) to an input (left) to connect; a new connection into an input replaces
          the old one.
        </li>
        <li>Shift-drag on the canvas selects an area; Ctrl-click adds to the selection.</li>
        <li>Scroll to zoom, drag the background to pan.</li>
      </ul>
      <p className="lf-muted">On a Mac, Cmd works wherever Ctrl is written.</p>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
