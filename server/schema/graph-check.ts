/**
 * The one graph validator of a workflow document: duplicate ids, unknown module types and ports,
 * port types of connections, one connection per input, missing required inputs and cycles. The
 * engine runs it with its module registry (server/engine/validate-workflow.ts), the editor with the
 * catalog (client/editor/core/problems.ts), so the editor, `labflow validate` and `POST /api/runs`
 * find the same problems with the same codes and messages. Params are checked by the caller's
 * `checkParams` (zod in the engine, the params' JSON Schema in the editor), with the same codes.
 *
 * Lookups by id and port are Map-based or own-property checks, so that ids and ports such as
 * `__proto__` or `constructor` never reach an object's prototype. Pure, no Node imports.
 */
import { type PortType, whyCannotConnect } from "../../modules/sdk/port-types.js";
import type { Problem } from "./problem.js";
import { RESERVED_IDS } from "./reserved-names.js";
import type { Connection, ModuleInstance, WorkflowDocument } from "./workflow-document.js";

/** What the checks read of a port: its type, and for an input whether it may stay unconnected. */
export interface PortInfo {
  type: PortType;
  optional?: boolean;
}

/** What the checks read of a module type (a registry's definition and a catalog entry both fit). */
export interface ModuleTypeInfo {
  type: string;
  version: number;
  inputs: Readonly<Record<string, PortInfo>>;
  outputs: Readonly<Record<string, PortInfo>>;
}

export interface GraphCheckOptions<T extends ModuleTypeInfo> {
  /**
   * The module type of a name, or undefined for an unknown one. Left out when the types are not
   * known yet (the editor before its catalog loaded): then only ids, connections and cycles are checked.
   */
  types?: (type: string) => T | undefined;
  /** The problems of a module's params (code `invalid_param`), in field order. */
  checkParams?: (instance: ModuleInstance, type: T) => Problem[];
}

/** A module of the graph: its id is unique in the document. */
export interface CheckedModule<T extends ModuleTypeInfo> {
  index: number;
  instance: ModuleInstance;
  /** Undefined when the type is unknown (a problem says so) or the types are not known. */
  type: T | undefined;
}

/** A connection between two modules of the graph whose ports fit: the data flows along it. */
export interface Wire {
  from: number;
  fromPort: string;
  to: number;
  toPort: string;
}

export interface GraphCheck<T extends ModuleTypeInfo> {
  /** Module problems in document order, then connection problems, missing inputs, a cycle. */
  problems: Problem[];
  modules: CheckedModule<T>[];
  byId: ReadonlyMap<string, CheckedModule<T>>;
  wires: Wire[];
  /** Module indices, upstream before downstream (modules on a cycle are left out). */
  order: number[];
  /** For each module, the modules it feeds along `wires` (each once, in wire order). */
  downstream: number[][];
}

/** Checks the graph of a document that passed the document schema. */
export function checkGraph<T extends ModuleTypeInfo>(
  document: WorkflowDocument,
  options: GraphCheckOptions<T> = {},
): GraphCheck<T> {
  const { types, checkParams } = options;
  const problems: Problem[] = [];
  const modules: CheckedModule<T>[] = [];
  const byId = new Map<string, CheckedModule<T>>();

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
    const type = types?.(instance.type);
    const checked: CheckedModule<T> = { index: modules.length, instance, type };
    modules.push(checked);
    byId.set(instance.id, checked);
    if (!types) continue;
    if (!type) {
      problems.push({
        code: "unknown_module_type",
        moduleId: instance.id,
        message: `unknown module type "${instance.type}"`,
      });
      continue;
    }
    if (instance.version !== undefined && instance.version > type.version) {
      problems.push({
        code: "module_version_too_new",
        moduleId: instance.id,
        message: `made with ${instance.type} version ${instance.version}; this labflow has version ${type.version}`,
      });
    }
    if (checkParams) problems.push(...checkParams(instance, type));
  }

  const wires: Wire[] = [];
  /**
   * Per module, the inputs a connection goes into (fitting or not), each with the output wired into
   * it (undefined while none fits). A map per module, allocated when first targeted: no key string
   * per connection.
   */
  const into: (Map<string, Connection["from"] | undefined> | undefined)[] = new Array(modules.length);
  const connections = document.connections;
  for (let i = 0; i < connections.length; i++) {
    const connection = connections[i] as Connection;
    const { from, to } = connection;
    const source = byId.get(from.module);
    const target = byId.get(to.module);
    if (!source || !target) {
      const missing = source ? to.module : from.module;
      problems.push({
        code: "unknown_module",
        moduleId: missing,
        field: `connections.${i}`,
        message: `connection ${i} names a module "${missing}" that the workflow does not have`,
      });
      continue;
    }
    let inputs = into[target.index];
    if (!inputs) {
      inputs = new Map();
      into[target.index] = inputs;
    }
    const existing = inputs.get(to.port);
    if (existing === undefined && !inputs.has(to.port)) inputs.set(to.port, undefined);
    const refused = types ? portProblem(connection, source, target) : undefined;
    if (refused) {
      problems.push(refused);
      continue;
    }
    // A module of an unknown type (reported above) carries no data; before the types are known,
    // every connection counts (for cycles and one connection per input).
    if (types && (!source.type || !target.type)) continue;
    if (existing) {
      problems.push({
        code: "input_already_connected",
        moduleId: to.module,
        port: to.port,
        message: `input "${to.port}" takes one connection; it already has one from ${existing.module}.${existing.port}`,
      });
      continue;
    }
    inputs.set(to.port, from);
    wires.push({ from: source.index, fromPort: from.port, to: target.index, toPort: to.port });
  }

  const required = new Map<T, string[]>();
  for (const { index, instance, type } of modules) {
    if (!type) continue;
    let ports = required.get(type);
    if (!ports) {
      ports = Object.keys(type.inputs).filter((port) => !type.inputs[port]?.optional);
      required.set(type, ports);
    }
    const inputs = into[index];
    for (const port of ports) {
      if (!inputs?.has(port)) {
        problems.push({
          code: "missing_input",
          moduleId: instance.id,
          port,
          message: `required input "${port}" is not connected`,
        });
      }
    }
  }

  const downstream = downstreamOf(modules.length, wires);
  const order = topologicalOrder(downstream);
  if (order.length < modules.length) problems.push(cycleProblem(modules, downstream, order));
  return { problems, modules, byId, wires, order, downstream };
}

/** A port of a module type, if it has one of that name (an own property: never `__proto__`'s). */
export function portOf<P extends PortInfo>(
  type: { inputs: Readonly<Record<string, P>>; outputs: Readonly<Record<string, P>> } | undefined,
  side: "input" | "output",
  port: string,
): P | undefined {
  if (!type) return undefined;
  const ports = side === "input" ? type.inputs : type.outputs;
  return Object.hasOwn(ports, port) ? ports[port] : undefined;
}

/** Why a connection between two known modules is refused: an unknown port or port types that do not fit. */
function portProblem<T extends ModuleTypeInfo>(
  { from, to }: Connection,
  source: CheckedModule<T>,
  target: CheckedModule<T>,
): Problem | undefined {
  if (!source.type || !target.type) return undefined;
  const out = portOf(source.type, "output", from.port);
  if (!out) return unknownPort(source.type, "output", from);
  const inp = portOf(target.type, "input", to.port);
  if (!inp) return unknownPort(target.type, "input", to);
  const refused = whyCannotConnect(out.type, inp.type);
  if (!refused) return undefined;
  return {
    code: "incompatible_ports",
    moduleId: to.module,
    port: to.port,
    message: `${from.module}.${from.port} -> ${to.module}.${to.port}: ${refused}`,
  };
}

function unknownPort(type: ModuleTypeInfo, side: "input" | "output", at: Connection["to"]): Problem {
  const ports = Object.keys(side === "input" ? type.inputs : type.outputs).join(", ") || "none";
  return {
    code: "unknown_port",
    moduleId: at.module,
    port: at.port,
    message: `${type.type} has no ${side} "${at.port}" (${side}s: ${ports})`,
  };
}

/** For each module, the modules it feeds (each once, in connection order). */
function downstreamOf(count: number, wires: readonly Wire[]): number[][] {
  const downstream: number[][] = new Array(count);
  for (let i = 0; i < count; i++) downstream[i] = [];
  // A set of pairs, not `list.includes`: a module feeding 5,000 others made that quadratic.
  const seen = new Set<number>();
  for (const { from, to } of wires) {
    const pair = from * count + to;
    if (seen.has(pair)) continue;
    seen.add(pair);
    downstream[from]?.push(to);
  }
  return downstream;
}

/** Kahn's algorithm; modules on a cycle never reach in-degree 0 and are left out. */
function topologicalOrder(downstream: readonly number[][]): number[] {
  const inDegree = new Array<number>(downstream.length).fill(0);
  for (const list of downstream) for (const d of list) inDegree[d] = (inDegree[d] ?? 0) + 1;
  const order: number[] = [];
  for (let i = 0; i < inDegree.length; i++) if (inDegree[i] === 0) order.push(i);
  for (let i = 0; i < order.length; i++) {
    for (const d of downstream[order[i] as number] ?? []) {
      inDegree[d] = (inDegree[d] ?? 0) - 1;
      if (inDegree[d] === 0) order.push(d);
    }
  }
  return order;
}

/** Names one cycle among the modules left out of the order, e.g. `a -> b -> a`. */
function cycleProblem(
  modules: readonly CheckedModule<ModuleTypeInfo>[],
  downstream: readonly number[][],
  order: readonly number[],
): Problem {
  const ordered = new Set(order);
  const onCycle = (i: number) => !ordered.has(i);
  const start = modules.findIndex((m) => onCycle(m.index));
  const seen = new Map<number, number>();
  const path: number[] = [];
  let current = start;
  // Every left-out module has a left-out downstream neighbour, so walking them must revisit one.
  while (!seen.has(current)) {
    seen.set(current, path.length);
    path.push(current);
    current = downstream[current]?.find(onCycle) ?? current;
  }
  const cycle = [...path.slice(seen.get(current)), current].map((i) => modules[i]?.instance.id);
  return {
    code: "cycle",
    moduleId: cycle[0],
    message: `the connections form a cycle: ${cycle.join(" -> ")}`,
  };
}

/** Whether `goal` can be reached from `start` along the document's connections. */
export function reaches(document: WorkflowDocument, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const c of document.connections) {
    const list = next.get(c.from.module);
    if (list) list.push(c.to.module);
    else next.set(c.from.module, [c.to.module]);
  }
  const seen = new Set<string>();
  const stack = [start];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}

/** The words for a param a module does not have (a typo such as "secnds"), the same everywhere. */
export function unknownParamMessage(type: string, key: string, known: readonly string[]): string {
  return `params.${key}: ${type} has no param "${key}" (params: ${known.join(", ") || "none"})`;
}
