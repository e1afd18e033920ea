/** Module ids: unique within a document, plain (see ModuleId in the document schema). */
import { ModuleId, type WorkflowDocument } from "../../../server/schema/workflow-document.js";

const MAX_ID = 64;

/** A lower-camel base for ids of a module type: `basic.ReadFile` -> `readFile`. */
export function idBaseForType(type: string): string {
  const name = type.slice(type.indexOf(".") + 1);
  const base = name.charAt(0).toLowerCase() + name.slice(1);
  return isValidModuleId(base) ? base : "m";
}

export const isValidModuleId = (id: string): boolean => ModuleId.safeParse(id).success;

/**
 * `preferred` when it is free, else its stem (trailing digits removed) with the first free number:
 * `n1` -> `n2`, `add` -> `add1`.
 */
export function freshId(preferred: string, taken: ReadonlySet<string>): string {
  if (!taken.has(preferred) && isValidModuleId(preferred)) return preferred;
  let stem = preferred.replace(/\d+$/, "").slice(0, MAX_ID - 6);
  if (!isValidModuleId(stem)) stem = "m";
  for (let i = 1; ; i++) {
    const id = `${stem}${i}`;
    if (!taken.has(id)) return id;
  }
}

/** A fresh id for a new module of this type, numbered from 1: `add1`, `add2`. */
export function freshIdForType(type: string, taken: ReadonlySet<string>): string {
  return freshId(`${idBaseForType(type)}1`, taken);
}

/** The ids in use in a document. */
export const moduleIds = (doc: WorkflowDocument): Set<string> => new Set(doc.modules.map((m) => m.id));
