/** Finding modules on the canvas by id, label or type (Ctrl+F). */
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";

/**
 * The ids of the modules that match `query` (case-insensitive, in id, label, type or the type's
 * catalog label), best first: an exact id, then a match at the start of a word, then anywhere;
 * ties keep the document's order. An empty query matches nothing.
 */
export function findModules(doc: WorkflowDocument, catalog: Catalog, query: string): string[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const scored: { id: string; score: number; index: number }[] = [];
  doc.modules.forEach((m, index) => {
    if (m.id.toLowerCase() === q) {
      scored.push({ id: m.id, score: 0, index });
      return;
    }
    const texts = [m.id, m.label ?? "", m.type, catalog.get(m.type)?.label ?? ""].map((t) => t.toLowerCase());
    const atWord = texts.some((t) => t.startsWith(q) || t.split(/[\s._-]+/).some((w) => w.startsWith(q)));
    if (atWord) scored.push({ id: m.id, score: 1, index });
    else if (texts.some((t) => t.includes(q))) scored.push({ id: m.id, score: 2, index });
  });
  return scored.sort((a, b) => a.score - b.score || a.index - b.index).map((s) => s.id);
}
