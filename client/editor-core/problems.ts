/**
 * What is wrong with a document as the editor can tell without the server: unknown types, params
 * that do not fit their schema, inputs left unconnected, connections the types refuse. Each
 * problem names its module (and port or field), so the canvas shows it on the node.
 */
import { whyCannotConnect } from "../../modules/sdk/port-types.js";
import type { Problem as ErrorInfo } from "../../server/schema/problem.js";
import type { WorkflowDocument } from "../../server/schema/workflow-document.js";
import type { Catalog } from "../api/catalog.js";
import { fieldProblem, paramFields } from "./param-fields.js";
import { portSpec, portTypeOf } from "./ports.js";

export type Problem = ErrorInfo & { moduleId: string };

/** Problems by module id; modules without problems are absent. */
export type ProblemMap = ReadonlyMap<string, readonly Problem[]>;

export function documentProblems(doc: WorkflowDocument, catalog: Catalog): ProblemMap {
  const problems = new Map<string, Problem[]>();
  const add = (p: Problem) => {
    const list = problems.get(p.moduleId);
    if (list) list.push(p);
    else problems.set(p.moduleId, [p]);
  };
  const byId = new Map(doc.modules.map((m) => [m.id, m]));
  const connected = new Set(doc.connections.map((c) => `${c.to.module}:${c.to.port}`));
  const seen = new Set<string>();
  for (const m of doc.modules) {
    if (seen.has(m.id))
      add({ code: "duplicate_id", message: `the id "${m.id}" is used twice`, moduleId: m.id });
    seen.add(m.id);
    if (catalog.size === 0) continue;
    const entry = catalog.get(m.type);
    if (!entry) {
      add({ code: "unknown_module_type", message: `unknown module type "${m.type}"`, moduleId: m.id });
      continue;
    }
    for (const field of paramFields(entry.params)) {
      const why = fieldProblem(field, m.params?.[field.key]);
      if (why)
        add({ code: "invalid_param", message: `${field.key} ${why}`, moduleId: m.id, field: field.key });
    }
    const known = new Set(Object.keys(entry.params.properties ?? {}));
    if (entry.params.additionalProperties === false)
      for (const key of Object.keys(m.params ?? {}))
        if (!known.has(key))
          add({ code: "unknown_param", message: `${key} is not a parameter`, moduleId: m.id, field: key });
    for (const [port, spec] of Object.entries(entry.inputs))
      if (!spec.optional && !connected.has(`${m.id}:${port}`))
        add({ code: "missing_input", message: `input ${port} is not connected`, moduleId: m.id, port });
  }
  for (const c of doc.connections) {
    const from = byId.get(c.from.module);
    const to = byId.get(c.to.module);
    if (!to) continue;
    if (!from) {
      add({
        code: "unknown_module",
        message: `${c.to.port} comes from missing "${c.from.module}"`,
        moduleId: to.id,
      });
      continue;
    }
    if (catalog.size === 0) continue;
    const out = portSpec(catalog, from, "output", c.from.port);
    const inp = portSpec(catalog, to, "input", c.to.port);
    if (catalog.has(to.type) && !inp)
      add({ code: "unknown_port", message: `no input "${c.to.port}"`, moduleId: to.id, port: c.to.port });
    const why = whyCannotConnect(portTypeOf(out), portTypeOf(inp));
    if (why)
      add({ code: "incompatible_ports", message: `${c.to.port}: ${why}`, moduleId: to.id, port: c.to.port });
  }
  return problems;
}

/** A key that changes when a module's problems change (to keep unchanged canvas nodes as they are). */
export const problemsKey = (list: readonly Problem[] | undefined): string =>
  list ? list.map((p) => p.message).join("\n") : "";

/** Adds problems the server reported (those that name a module) to the editor's own. */
export function withServerProblems(local: ProblemMap, server: readonly ErrorInfo[]): ProblemMap {
  if (server.length === 0) return local;
  const merged = new Map<string, Problem[]>([...local].map(([id, list]) => [id, [...list]]));
  for (const p of server) {
    if (!p.moduleId) continue;
    const problem: Problem = { ...p, moduleId: p.moduleId };
    const list = merged.get(p.moduleId) ?? [];
    if (!list.some((x) => x.message === p.message)) list.push(problem);
    merged.set(p.moduleId, list);
  }
  return merged;
}
