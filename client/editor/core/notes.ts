/**
 * Comments on the canvas (notes): add, edit, remove. Pure, over Immer. On the canvas a note's node
 * id is `note:<id>`, which no module id can be (a module id has no colon).
 */
import type { Note, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { type Edit, edit } from "./edit.js";
import type { Position } from "./modules.js";

const PREFIX = "note:";
export const noteNodeId = (id: string): string => `${PREFIX}${id}`;
/** The note id of a canvas node id, or undefined for a module's node. */
export const noteIdOf = (nodeId: string): string | undefined =>
  nodeId.startsWith(PREFIX) ? nodeId.slice(PREFIX.length) : undefined;

/** The size of a note on the canvas (fixed; keep in sync with `.lf-note` in styles/canvas.css). */
export const NOTE_SIZE = { width: 220, height: 110 };

function freshNoteId(doc: WorkflowDocument): string {
  const taken = new Set((doc.notes ?? []).map((n) => n.id));
  let i = 1;
  while (taken.has(`note${i}`)) i++;
  return `note${i}`;
}

export function addNote(doc: WorkflowDocument, position: Position, text = ""): Edit & { id: string } {
  const id = freshNoteId(doc);
  const note: Note = { id, text, position: { x: Math.round(position.x), y: Math.round(position.y) } };
  return {
    ...edit(doc, (d) => {
      d.notes ??= [];
      d.notes.push(note);
    }),
    id,
  };
}

export function setNoteText(doc: WorkflowDocument, id: string, text: string): Edit {
  return edit(doc, (d) => {
    const note = d.notes?.find((n) => n.id === id);
    if (note && note.text !== text) note.text = text;
  });
}

/** Removes notes; the `notes` field goes with the last one, so a document without notes stays as it was. */
export function removeNotes(doc: WorkflowDocument, ids: Iterable<string>): Edit {
  const gone = new Set(ids);
  return edit(doc, (d) => {
    if (!d.notes?.some((n) => gone.has(n.id))) return;
    const kept = d.notes.filter((n) => !gone.has(n.id));
    if (kept.length === 0) delete d.notes;
    else d.notes = kept;
  });
}
