/**
 * The undo history: a stack of Immer patch pairs, never copies of the document. Consecutive edits
 * with the same merge key (typing into one field, one drag) become a single step.
 */
import { applyPatches } from "immer";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Edit, Patch } from "./edit.js";

export interface HistoryStep {
  label: string;
  patches: Patch[];
  inverse: Patch[];
  mergeKey?: string;
}

export interface History {
  past: readonly HistoryStep[];
  future: readonly HistoryStep[];
}

export const MAX_STEPS = 200;

export const emptyHistory = (): History => ({ past: [], future: [] });

export const canUndo = (h: History): boolean => h.past.length > 0;
export const canRedo = (h: History): boolean => h.future.length > 0;

/** Records an edit as a new step (or merges it into the last one); clears the redo stack. */
export function record(h: History, e: Edit, label: string, mergeKey?: string): History {
  if (e.patches.length === 0) return h;
  const last = h.past.at(-1);
  if (mergeKey !== undefined && last?.mergeKey === mergeKey && h.future.length === 0) {
    const merged: HistoryStep = {
      ...last,
      patches: [...last.patches, ...e.patches],
      inverse: [...e.inverse, ...last.inverse],
    };
    return { past: [...h.past.slice(0, -1), merged], future: [] };
  }
  const step: HistoryStep = { label, patches: e.patches, inverse: e.inverse };
  if (mergeKey !== undefined) step.mergeKey = mergeKey;
  return { past: [...h.past, step].slice(-MAX_STEPS), future: [] };
}

export interface Travel {
  doc: WorkflowDocument;
  history: History;
  step: HistoryStep;
}

/** Undoes the last step; undefined when there is nothing to undo. */
export function undo(h: History, doc: WorkflowDocument): Travel | undefined {
  const step = h.past.at(-1);
  if (!step) return undefined;
  return {
    doc: applyPatches(doc, step.inverse),
    history: { past: h.past.slice(0, -1), future: [...h.future, { ...step, mergeKey: undefined }] },
    step,
  };
}

/** Redoes the last undone step; undefined when there is nothing to redo. */
export function redo(h: History, doc: WorkflowDocument): Travel | undefined {
  const step = h.future.at(-1);
  if (!step) return undefined;
  return {
    doc: applyPatches(doc, step.patches),
    history: { past: [...h.past, step], future: h.future.slice(0, -1) },
    step,
  };
}
