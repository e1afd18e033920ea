import { z } from "zod";
import type { ModuleDefinition } from "./define-module.js";
import type { PortSpec } from "./port.js";

/** How the palette and the inspector see a module: its data, with params as JSON Schema. */
export interface CatalogEntry {
  type: string;
  package: string;
  version: number;
  label: string;
  description: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: unknown;
  isJob: boolean;
}

export function catalogEntry(definition: ModuleDefinition): CatalogEntry {
  return {
    type: definition.type,
    package: definition.package,
    version: definition.version,
    label: definition.label,
    description: definition.description,
    inputs: definition.inputs,
    outputs: definition.outputs,
    params: z.toJSONSchema(definition.params, { io: "input", unrepresentable: "any" }),
    isJob: definition.job !== undefined || definition.handles !== undefined,
  };
}
