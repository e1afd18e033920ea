/**
 * What is wrong with a document as the editor can tell without the server. The graph checks are
 * the contract's (server/schema/graph-check.ts: the engine runs the same, so the editor, `labflow
 * validate` and `POST /api/runs` name the same problems with the same codes and messages); params
 * are checked here against their JSON Schema from the catalog, with the engine's codes and fields.
 * Each problem names its module (and port or field), so the canvas shows it on the node.
 */
import type { CatalogEntry } from "../../../server/schema/catalog.js";
import { checkGraph, unknownParamMessage } from "../../../server/schema/graph-check.js";
import type { Problem as WireProblem } from "../../../server/schema/problem.js";
import type { ModuleInstance, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import { fieldProblem, paramFields } from "./param-fields.js";

export type Problem = WireProblem & { moduleId: string };

/** Problems by module id; modules without problems are absent. */
export type ProblemMap = ReadonlyMap<string, readonly Problem[]>;

/** The problems of a document, in the engine's order (documentProblems groups them by module). */
export function graphProblems(doc: WorkflowDocument, catalog: Catalog): WireProblem[] {
  // An empty catalog is one not loaded yet: the types are not known, so only the graph is checked.
  const types = catalog.size === 0 ? undefined : (type: string) => catalog.get(type);
  return checkGraph<CatalogEntry>(doc, { ...(types ? { types } : {}), checkParams: paramProblems }).problems;
}

export function documentProblems(doc: WorkflowDocument, catalog: Catalog): ProblemMap {
  const problems = new Map<string, Problem[]>();
  for (const p of graphProblems(doc, catalog)) {
    if (p.moduleId === undefined) continue;
    const problem: Problem = { ...p, moduleId: p.moduleId };
    const list = problems.get(p.moduleId);
    if (list) list.push(problem);
    else problems.set(p.moduleId, [problem]);
  }
  return problems;
}

/** Params that do not fit the module's JSON Schema, and keys it does not know. */
function paramProblems(m: ModuleInstance, entry: CatalogEntry): WireProblem[] {
  const problems: WireProblem[] = [];
  // Params saved with an older module version are upgraded by the server before they are checked.
  const current = m.version === undefined || m.version >= entry.version;
  if (!current) return problems;
  for (const field of paramFields(entry.params)) {
    const why = fieldProblem(field, m.params?.[field.key]);
    if (why)
      problems.push({
        code: "invalid_param",
        message: `${field.key} ${why}`,
        moduleId: m.id,
        field: `params.${field.key}`,
      });
  }
  // Params are strict (the same code and words as the server's validator): a typo must not let a default run.
  const known = Object.keys(entry.params.properties ?? {});
  if (entry.params.additionalProperties === false)
    for (const key of Object.keys(m.params ?? {}))
      if (!known.includes(key))
        problems.push({
          code: "invalid_param",
          message: unknownParamMessage(m.type, key, known),
          moduleId: m.id,
          field: `params.${key}`,
        });
  return problems;
}

/** A key that changes when a module's problems change (to keep unchanged canvas nodes as they are). */
export const problemsKey = (list: readonly Problem[] | undefined): string =>
  list ? list.map((p) => p.message).join("\n") : "";

/** Adds problems the server reported (those that name a module) to the editor's own. */
export function withServerProblems(local: ProblemMap, server: readonly WireProblem[]): ProblemMap {
  if (server.length === 0) return local;
  const merged = new Map<string, Problem[]>([...local].map(([id, list]) => [id, [...list]]));
  for (const p of server) {
    if (!p.moduleId) continue;
    const problem: Problem = { ...p, moduleId: p.moduleId };
    const list = merged.get(p.moduleId) ?? [];
    // Once: the same words, or the same mistake (code and field) in the editor's words already.
    const known = list.some(
      (x) => x.message === p.message || (p.field !== undefined && x.code === p.code && x.field === p.field),
    );
    if (!known) list.push(problem);
    merged.set(p.moduleId, list);
  }
  return merged;
}
