/**
 * An edit of the workflow document: the new document and the Immer patches that lead to it and
 * back. Every graph operation returns one, so the undo history never needs to copy documents.
 */
import { enablePatches, freeze, type Patch, produceWithPatches } from "immer";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";

enablePatches();

export type { Patch };

export interface Edit {
  doc: WorkflowDocument;
  patches: Patch[];
  inverse: Patch[];
}

/** Applies a recipe to a draft of the document, recording patches. */
export function edit(doc: WorkflowDocument, recipe: (draft: WorkflowDocument) => void): Edit {
  const [next, patches, inverse] = produceWithPatches(doc, recipe);
  return { doc: next, patches, inverse };
}

/**
 * Replaces the whole document (New, Open, Import) as an edit, so it can be undone too. The patches
 * are the ones Immer would record (replace at the root), made directly: a recipe returning `next`
 * makes Immer walk all of it looking for drafts (there are none) before freezing it, which took
 * 80-100 ms of opening a 10,000-module workflow. Freezing alone is kept.
 */
export function replaceDocument(doc: WorkflowDocument, next: WorkflowDocument): Edit {
  if (next === doc) return { doc, patches: [], inverse: [] };
  const frozen = freeze(next, true);
  return {
    doc: frozen,
    patches: [{ op: "replace", path: [], value: frozen }],
    inverse: [{ op: "replace", path: [], value: doc }],
  };
}

/** `first` then `second` (made on first's document) as one edit. */
export function combineEdits(first: Edit, second: Edit): Edit {
  return {
    doc: second.doc,
    patches: [...first.patches, ...second.patches],
    inverse: [...second.inverse, ...first.inverse],
  };
}

/** True when the edit changed nothing (e.g. setting a value to what it was). */
export const isEmptyEdit = (e: Edit): boolean => e.patches.length === 0;
