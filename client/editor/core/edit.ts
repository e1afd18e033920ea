/**
 * An edit of the workflow document: the new document and the Immer patches that lead to it and
 * back. Every graph operation returns one, so the undo history never needs to copy documents.
 */
import { enablePatches, type Patch, produceWithPatches } from "immer";
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

/** Replaces the whole document (New, Open, Import) as an edit, so it can be undone too. */
export function replaceDocument(doc: WorkflowDocument, next: WorkflowDocument): Edit {
  const [result, patches, inverse] = produceWithPatches(doc, () => next);
  return { doc: result, patches, inverse };
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
