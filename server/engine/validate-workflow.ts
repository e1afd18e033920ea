import type { z } from "zod";
import type { ModuleDefinition } from "../../modules/sdk/define-module.js";
import type { ModuleServices } from "../../modules/sdk/instruments.js";
import { upgradeParams } from "../../modules/sdk/params.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import { checkGraph, unknownParamMessage } from "../schema/graph-check.js";
import type { Problem } from "../schema/problem.js";
import { type ModuleInstance, WorkflowDocument } from "../schema/workflow-document.js";
import { deepFreeze } from "./deep-freeze.js";
import { EngineError } from "./engine-error.js";
import { upgradeDocument } from "./upgrade-document.js";
import { validDocument } from "./valid-document.js";

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
 * Checks a document against the schema and the module registry and builds its graph. The graph
 * checks are the contract's (server/schema/graph-check.ts, the editor runs the same); the params are
 * checked here with each module's zod schema. Collects every problem (each naming the module id and
 * port or field) and throws them together as one EngineError.
 */
export function validateWorkflow(
  raw: unknown,
  registry: ModuleRegistry,
  options: { services?: ModuleServices } = {},
): ValidGraph {
  const upgraded = upgradeDocument(raw);
  if (upgraded.problems.length) throw invalid(upgraded.problems);
  // zod only when the fast path is unsure: it names every problem of a document that has some.
  let document = validDocument(upgraded.document);
  if (!document) {
    const parsed = WorkflowDocument.safeParse(upgraded.document);
    if (!parsed.success) throw invalid(schemaProblems(parsed.error, upgraded.document));
    document = parsed.data;
  }

  const params = new Map<string, Record<string, unknown>>();
  const accepted = new AcceptedParams();
  const check = checkGraph<ModuleDefinition>(document, {
    types: (type) => registry.get(type),
    checkParams(instance, definition) {
      const problems: Problem[] = [];
      const raw = upgradedParams(instance, definition, problems);
      if (!raw) return problems;
      const key = jsonKey(raw);
      let data = key === undefined ? undefined : accepted.get(definition, key);
      if (!data) {
        const result = definition.params.safeParse(raw);
        if (!result.success) return paramProblems(instance, definition, result.error);
        data = result.data;
        if (key !== undefined) accepted.set(definition, key, data);
      }
      // What the server lends may refuse params the schema takes (a setpoint out of an instrument's range).
      if (options.services) {
        const refused = refusedParams(instance.id, definition, data, options.services);
        if (refused.length > 0) return refused;
      }
      params.set(instance.id, data);
      // The graph's document is what the run records: the params as this version reads them, and
      // the version they are for, so a later labflow can upgrade them again.
      if (instance.version !== undefined && instance.version < definition.version) instance.params = raw;
      instance.version = definition.version;
      return [];
    },
  });
  if (check.problems.length) throw invalid(check.problems);

  const nodes: GraphNode[] = new Array(check.modules.length);
  for (const { index, instance, type } of check.modules) {
    nodes[index] = {
      index,
      id: instance.id,
      instance,
      // Without problems every module's type is known and its params parsed.
      definition: type as ModuleDefinition,
      params: params.get(instance.id) ?? {},
      inputs: new Map(),
      // The contract's: each module fed once, in wire order.
      downstream: check.downstream[index] ?? [],
    };
  }
  for (const wire of check.wires)
    nodes[wire.to]?.inputs.set(wire.toPort, { node: wire.from, port: wire.fromPort });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return { document, nodes, byId, order: check.order };
}

/**
 * Params a module's schema accepted, by module type and params text: modules of one type often share
 * their params (10,000 modules, a handful of distinct params), and a schema without transforms that
 * depend on anything but its input answers the same for the same JSON. Modules sharing params share
 * the parsed object, which they treat as read-only (params are part of the signature).
 */
class AcceptedParams {
  private readonly byType = new Map<ModuleDefinition, Map<string, Record<string, unknown>>>();

  get(definition: ModuleDefinition, key: string): Record<string, unknown> | undefined {
    return this.byType.get(definition)?.get(key);
  }

  set(definition: ModuleDefinition, key: string, data: Record<string, unknown>): void {
    let kept = this.byType.get(definition);
    if (!kept) {
      kept = new Map();
      this.byType.set(definition, kept);
    }
    // Shared from here by every module of this type with these params (and, through a kept
    // plan, by later runs): frozen, so that no module can change another's.
    deepFreeze(data);
    kept.set(key, data);
  }
}

/**
 * The JSON text of params that are plain JSON (what a document read from JSON holds); undefined for
 * anything JSON would not give back as it is (undefined, a function, a Date, NaN, -0, a class
 * instance, a sparse array): such params are always parsed by their schema.
 */
function jsonKey(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0) ? JSON.stringify(value) : undefined;
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let text = "[";
        for (let i = 0; i < value.length; i++) {
          if (!(i in value)) return undefined;
          const item = jsonKey(value[i]);
          if (item === undefined) return undefined;
          text += i === 0 ? item : `,${item}`;
        }
        return `${text}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return undefined;
      let text = "{";
      let first = true;
      for (const key of Object.keys(value)) {
        const item = jsonKey((value as Record<string, unknown>)[key]);
        if (item === undefined) return undefined;
        text += `${first ? "" : ","}${JSON.stringify(key)}:${item}`;
        first = false;
      }
      return `${text}}`;
    }
    default:
      return undefined;
  }
}

/**
 * The lent services' refusals of a graph that passed every other check (a setpoint the instrument
 * refuses): what `validateWorkflow` with services adds, for a graph validated before.
 */
export function refuseByServices(graph: ValidGraph, services: ModuleServices): void {
  const problems: Problem[] = [];
  for (const node of graph.nodes)
    if (node.definition.validate)
      problems.push(...refusedParams(node.id, node.definition, node.params, services));
  if (problems.length) throw invalid(problems);
}

function refusedParams(
  moduleId: string,
  definition: ModuleDefinition,
  params: Record<string, unknown>,
  services: ModuleServices,
): Problem[] {
  if (!definition.validate) return [];
  return definition.validate(params, services).map((problem) => ({
    code: "param_refused",
    moduleId,
    field: ["params", ...(problem.field ? [problem.field] : [])].join("."),
    message: problem.message,
  }));
}

function invalid(problems: Problem[]): EngineError {
  const first = problems[0];
  const summary = problems.length === 1 && first ? first.message : `${problems.length} problems`;
  return new EngineError("invalid_workflow", `the workflow is invalid: ${summary}`, problems);
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

/**
 * The instance's params brought up to the module's version by its `upgrade` hooks (a document made
 * with an older version); undefined, with a problem, when an upgrade hook threw.
 */
function upgradedParams(
  instance: ModuleInstance,
  definition: ModuleDefinition,
  problems: Problem[],
): Record<string, unknown> | undefined {
  const raw = instance.params ?? {};
  if (instance.version === undefined || instance.version >= definition.version) return raw;
  try {
    return upgradeParams(definition, instance.version, raw);
  } catch (error) {
    problems.push({
      code: "param_upgrade_failed",
      moduleId: instance.id,
      field: "params",
      message: `params of ${definition.type} version ${instance.version} could not be upgraded to version ${definition.version}: ${error instanceof Error ? error.message : String(error)}`,
    });
    return undefined;
  }
}

/** One problem per refused param; an unknown key is named with the params the module has. */
function paramProblems(instance: ModuleInstance, definition: ModuleDefinition, error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const at = ["params", ...issue.path.map(String)].join(".");
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys((definition.params as { shape?: object }).shape ?? {});
      return issue.keys.map((key) => ({
        code: "invalid_param",
        moduleId: instance.id,
        field: `${at}.${key}`,
        message: unknownParamMessage(definition.type, key, known),
      }));
    }
    return [{ code: "invalid_param", moduleId: instance.id, field: at, message: `${at}: ${issue.message}` }];
  });
}
