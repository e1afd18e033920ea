/**
 * A comment on the canvas: plain text typed in place (drag it by its header), with a delete
 * button. Each edit is one undoable step per pause in typing (merged by the store).
 */
import type { NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { NoteFlowNode } from "../canvas/flow-elements.js";
import { useStore } from "../hooks/useEditor.js";

function NoteNodeView({ data }: NodeProps<NoteFlowNode>) {
  const store = useStore();
  const { note } = data;
  return (
    <div className="lf-note" data-testid="note">
      <div className="lf-note-head">
        <span>Note</span>
        <button
          type="button"
          className="lf-link nodrag"
          aria-label={`Delete note ${note.id}`}
          onClick={() => store.removeNote(note.id)}
        >
          ×
        </button>
      </div>
      <textarea
        className="nodrag nowheel"
        aria-label={`Note ${note.id} text`}
        placeholder="Write a note"
        value={note.text}
        onChange={(e) => store.setNoteText(note.id, e.target.value)}
      />
    </div>
  );
}

export const NoteNode = memo(NoteNodeView);
