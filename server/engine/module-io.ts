import type { ModuleDefinition } from "../../modules/sdk/define-module.js";
import { ModuleError } from "../../modules/sdk/module-error.js";
import { type PortType, portValueSchema } from "../../modules/sdk/port-types.js";
import type { ModuleFailure } from "./records.js";
import type { GraphNode } from "./validate-workflow.js";

/**
 * Gathers a module's input values from its upstream outputs, checking each against its port type
 * (a connection from an `any` output is only checked here, at run time).
 */
export function gatherInputs(
  node: GraphNode,
  /** The outputs of the run's modules, by node index. */
  outputs: readonly (Record<string, unknown> | undefined)[],
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [port, spec] of Object.entries(node.definition.inputs)) {
    const source = node.inputs.get(port);
    const value = source ? outputs[source.node]?.[source.port] : undefined;
    if (value === undefined) {
      if (spec.optional) continue;
      throw new ModuleError("missing_input", `input "${port}" received no value`, { port });
    }
    if (spec.type !== "any" && spec.type !== "json") {
      if (!fitsPortType(spec.type, value)) {
        throw new ModuleError(
          "invalid_input",
          `input "${port}" expects ${spec.type}, got ${describe(value)}`,
          { port },
        );
      }
    }
    inputs[port] = value;
  }
  return inputs;
}

/** Outputs nested deeper than this cannot be stored and sent safely (serialisers recurse). */
export const MAX_OUTPUT_DEPTH = 1_000;
/** The largest output value, as JSON: results live in SQLite and travel in events. */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Checks what a module returned against its declared outputs, and that each value can be stored:
 * a module whose outputs cannot be kept fails, naming the port, before it is marked done.
 */
export function checkOutputs(
  definition: ModuleDefinition,
  result: unknown,
  moduleId: string,
): Record<string, unknown> {
  if (result === null || typeof result !== "object" || Array.isArray(result)) {
    throw new ModuleError(
      "invalid_output",
      `${definition.type} returned ${describe(result)} instead of an object of outputs`,
    );
  }
  const outputs = result as Record<string, unknown>;
  for (const [port, spec] of Object.entries(definition.outputs)) {
    const value = outputs[port];
    if (value === undefined)
      throw new ModuleError("invalid_output", `output "${port}" was not set`, { port });
    if (!fitsPortType(spec.type, value)) {
      throw new ModuleError(
        "invalid_output",
        `output "${port}" should be ${spec.type}, got ${describe(value)}`,
        { port },
      );
    }
    const unstorable = whyNotStorable(value);
    if (unstorable)
      throw new ModuleError(
        "output_not_storable",
        `output "${port}" of module ${moduleId} cannot be stored: ${unstorable}`,
        { port },
      );
  }
  return outputs;
}

/** Why a value cannot be kept as JSON (too deep, too large, or a cycle), or undefined when it can. */
function whyNotStorable(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  // Depth first, without recursion: the value itself may be deep enough to overflow the stack.
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [current, depth] = item;
    if (depth > MAX_OUTPUT_DEPTH) return `it is nested deeper than ${MAX_OUTPUT_DEPTH} levels`;
    for (const child of Object.values(current as object)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  try {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length > MAX_OUTPUT_BYTES)
      return `it is larger than ${MAX_OUTPUT_BYTES / 1024 / 1024} MB as JSON; write it to a file output instead`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

/**
 * Whether a value fits a port type. Plain checks for the scalar types (this runs for every port of
 * every module), the zod schema for the structured ones.
 */
function fitsPortType(type: PortType, value: unknown): boolean {
  switch (type) {
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "file":
      return typeof value === "string" && value.length > 0;
    case "boolean":
      return typeof value === "boolean";
    case "json":
    case "any":
      return value !== undefined;
    default:
      return portValueSchema[type].safeParse(value).success;
  }
}

/** What the run record keeps of an error: a ModuleError's code and port, a bug's stack. */
export function toFailure(error: unknown): ModuleFailure {
  if (error instanceof ModuleError) {
    return { code: error.code, message: error.message, ...(error.port ? { port: error.port } : {}) };
  }
  if (error instanceof Error) {
    return {
      code: "module_threw",
      message: error.message || error.name,
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { code: "module_threw", message: `the module threw ${describe(error)}` };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
