/**
 * Whether opening a workflow by address (`/?workflow=NAME`) would replace work: the page keeps its
 * address, so without this check every reload put the workflow back over the draft made from it.
 */
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";

/** Structural equality of two JSON values, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The draft is newer work on the workflow asked for: the same name, changed since it was last
 * saved or opened, and not what the server has. Opening the workflow then asks first.
 */
export function draftWouldBeReplaced(
  draft: { doc: WorkflowDocument; unsaved: boolean } | undefined,
  opened: WorkflowDocument,
): boolean {
  return draft?.unsaved === true && draft.doc.name === opened.name && !sameJson(draft.doc, opened);
}
