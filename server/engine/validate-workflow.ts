import type { z } from "zod";
import type { ModuleDefinition } from "../../modules/sdk/define-module.js";
import type { ModuleServices } from "../../modules/sdk/instruments.js";
import { whyCannotConnect } from "../../modules/sdk/port-types.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { Problem } from "../schema/problem.js";
import { type ModuleInstance, WorkflowDocument } from "../schema/workflow-document.js";
import { EngineError } from "./engine-error.js";
import { hasPort, RESERVED_IDS } from "./reserved-names.js";
import { upgradeDocument } from "./upgrade-document.js";

/** An upstream output feeding one input port. */
export interface InputSource {
  node: number;
  port: string;
}

/** A module of a validated workflow, with its definition, parsed params and wiring. */
export interface GraphNode {
  index: number;
  id: string;
  instance: ModuleInstance;
  definition: ModuleDefinition;
  /** Params after the module's schema applied its defaults. */
  params: Record<string, unknown>;
  /** Input port name -> the upstream output feeding it. */
  inputs: Map<string, InputSource>;
  /** Indices of the modules fed by this one (each once). */
  downstream: number[];
}

/** A document that passed every check: safe to plan and run. */
export interface ValidGraph {
  document: WorkflowDocument;
  nodes: GraphNode[];
  byId: Map<string, GraphNode>;
  /** Node indices, upstream before downstream. */
  order: number[];
}

/**
 * Checks a document against the schema and the module registry and builds its graph. Collects every
 * problem (each naming the module id and port or field) and throws them together as one EngineError.
 */
export function validateWorkflow(
  raw: unknown,
  registry: ModuleRegistry,
  options: { services?: ModuleServices } = {},
): ValidGraph {
  const upgraded = upgradeDocument(raw);
  if (upgraded.problems.length) throw invalid(upgraded.problems);
  const parsed = WorkflowDocument.safeParse(upgraded.document);
  if (!parsed.success) throw invalid(schemaProblems(parsed.error, upgraded.document));
  const document = parsed.data;

  const problems: Problem[] = [];
  const nodes: GraphNode[] = [];
  const byId = new Map<string, GraphNode>();
  for (const instance of document.modules) {
    if (RESERVED_IDS.has(instance.id)) {
      problems.push({
        code: "invalid_id",
        moduleId: instance.id,
        field: "id",
        message: `"${instance.id}" is a reserved name (a member of every JavaScript object): choose another id`,
      });
      continue;
    }
    if (byId.has(instance.id)) {
      problems.push({
        code: "duplicate_module_id",
        moduleId: instance.id,
        message: "this module id is used twice",
      });
      continue;
    }
    const definition = registry.get(instance.type);
    if (!definition) {
      problems.push({
        code: "unknown_module_type",
        moduleId: instance.id,
        message: `unknown module type "${instance.type}"`,
      });
      continue;
    }
    if (instance.version !== undefined && instance.version > definition.version) {
      problems.push({
        code: "module_version_too_new",
        moduleId: instance.id,
        message: `made with ${instance.type} version ${instance.version}; this labflow has version ${definition.version}`,
      });
    }
    const params = definition.params.safeParse(instance.params ?? {});
    if (!params.success) {
      for (const issue of params.error.issues) {
        const field = ["params", ...issue.path.map(String)].join(".");
        problems.push({
          code: "invalid_param",
          moduleId: instance.id,
          field,
          message: `${field}: ${issue.message}`,
        });
      }
      continue;
    }
    if (options.services && definition.validate) {
      const refused = definition.validate(params.data, options.services);
      for (const problem of refused) {
        const field = ["params", ...(problem.field ? [problem.field] : [])].join(".");
        problems.push({ code: "param_refused", moduleId: instance.id, field, message: problem.message });
      }
      if (refused.length > 0) continue;
    }
    const node: GraphNode = {
      index: nodes.length,
      id: instance.id,
      instance,
      definition,
      params: params.data,
      inputs: new Map(),
      downstream: [],
    };
    nodes.push(node);
    byId.set(instance.id, node);
  }

  const knownIds = new Set(document.modules.map((m) => m.id));
  for (const [i, connection] of document.connections.entries()) {
    const { from, to } = connection;
    const source = byId.get(from.module);
    const target = byId.get(to.module);
    if (!knownIds.has(from.module) || !knownIds.has(to.module)) {
      const missing = knownIds.has(from.module) ? to.module : from.module;
      problems.push({
        code: "unknown_module",
        moduleId: missing,
        field: `connections.${i}`,
        message: `connection ${i} names a module "${missing}" that the workflow does not have`,
      });
      continue;
    }
    if (!source || !target) continue; // the module itself was reported above
    // Own ports only: `constructor` or `toString` must not find Object.prototype's members.
    const { outputs, inputs } = { outputs: source.definition.outputs, inputs: target.definition.inputs };
    const out = hasPort(outputs, from.port) ? outputs[from.port] : undefined;
    const inp = hasPort(inputs, to.port) ? inputs[to.port] : undefined;
    if (!out) {
      problems.push({
        code: "unknown_port",
        moduleId: from.module,
        port: from.port,
        message: `${source.definition.type} has no output "${from.port}" (outputs: ${Object.keys(source.definition.outputs).join(", ") || "none"})`,
      });
      continue;
    }
    if (!inp) {
      problems.push({
        code: "unknown_port",
        moduleId: to.module,
        port: to.port,
        message: `${target.definition.type} has no input "${to.port}" (inputs: ${Object.keys(target.definition.inputs).join(", ") || "none"})`,
      });
      continue;
    }
    const refused = whyCannotConnect(out.type, inp.type);
    if (refused) {
      problems.push({
        code: "incompatible_ports",
        moduleId: to.module,
        port: to.port,
        message: `${from.module}.${from.port} -> ${to.module}.${to.port}: ${refused}`,
      });
      continue;
    }
    const existing = target.inputs.get(to.port);
    if (existing) {
      problems.push({
        code: "input_already_connected",
        moduleId: to.module,
        port: to.port,
        message: `input "${to.port}" takes one connection; it already has one from ${nodes[existing.node]?.id}.${existing.port}`,
      });
      continue;
    }
    target.inputs.set(to.port, { node: source.index, port: from.port });
    if (!source.downstream.includes(target.index)) source.downstream.push(target.index);
  }

  for (const node of nodes) {
    for (const [port, spec] of Object.entries(node.definition.inputs)) {
      if (!spec.optional && !node.inputs.has(port)) {
        problems.push({
          code: "missing_input",
          moduleId: node.id,
          port,
          message: `required input "${port}" is not connected`,
        });
      }
    }
  }

  const order = topologicalOrder(nodes);
  if (order.length < nodes.length) problems.push(cycleProblem(nodes, order));
  if (problems.length) throw invalid(problems);
  return { document, nodes, byId, order };
}

function invalid(problems: Problem[]): EngineError {
  const first = problems[0];
  const summary = problems.length === 1 && first ? first.message : `${problems.length} problems`;
  return new EngineError("invalid_workflow", `the workflow is invalid: ${summary}`, problems);
}

/** Kahn's algorithm; nodes on a cycle never reach in-degree 0 and are left out. */
function topologicalOrder(nodes: GraphNode[]): number[] {
  const inDegree = nodes.map(() => 0);
  for (const node of nodes) for (const d of node.downstream) inDegree[d] = (inDegree[d] ?? 0) + 1;
  const order: number[] = [];
  for (const node of nodes) if (inDegree[node.index] === 0) order.push(node.index);
  for (let i = 0; i < order.length; i++) {
    for (const d of nodes[order[i] as number]?.downstream ?? []) {
      inDegree[d] = (inDegree[d] ?? 0) - 1;
      if (inDegree[d] === 0) order.push(d);
    }
  }
  return order;
}

/** Names one cycle among the nodes left out of the order, e.g. `a -> b -> a`. */
function cycleProblem(nodes: GraphNode[], order: number[]): Problem {
  const ordered = new Set(order);
  const onCycle = (i: number) => !ordered.has(i);
  const start = nodes.find((n) => onCycle(n.index)) as GraphNode;
  const seen = new Map<number, number>();
  const path: number[] = [];
  let current = start.index;
  // Every left-out node has a left-out downstream neighbour, so walking them must revisit one.
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = nodes[current]?.downstream.find(onCycle) ?? current;
  }
  const cycle = [...path.slice(seen.get(current)), current].map((i) => nodes[i]?.id);
  return {
    code: "cycle",
    moduleId: cycle[0],
    message: `the connections form a cycle: ${cycle.join(" -> ")}`,
  };
}

/** Maps zod issues on the document to problems, naming the module id where the path has one. */
function schemaProblems(error: z.ZodError, document: unknown): Problem[] {
  const modules = (document as { modules?: unknown }).modules;
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    const moduleAt =
      issue.path[0] === "modules" && typeof issue.path[1] === "number" && Array.isArray(modules)
        ? (modules[issue.path[1]] as { id?: unknown } | undefined)
        : undefined;
    const moduleId = typeof moduleAt?.id === "string" ? moduleAt.id : undefined;
    const message = field ? `${field}: ${issue.message}` : issue.message;
    return { code: "invalid_document", field: field || undefined, moduleId, message };
  });
}
