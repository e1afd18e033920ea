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
  outputsOf: (index: number) => Record<string, unknown> | undefined,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [port, spec] of Object.entries(node.definition.inputs)) {
    const source = node.inputs.get(port);
    const value = source ? outputsOf(source.node)?.[source.port] : undefined;
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

/** Checks what a module returned against its declared outputs. */
export function checkOutputs(definition: ModuleDefinition, result: unknown): Record<string, unknown> {
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
  }
  return outputs;
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
