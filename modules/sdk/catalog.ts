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
  /** The module checks its params against what the server lends (`validate`): the editor asks the server. */
  serverChecks?: boolean;
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
    ...(definition.validate ? { serverChecks: true } : {}),
  };
}

/**
 * Offers what only the running server knows (e.g. the configured clusters) as the allowed values
 * of params marked `.meta({ choices: "clusters" })`: the editor then shows a select. Documents are
 * still validated by the module's own schema; a value outside the list fails where it is used.
 */
export function withChoices(entry: CatalogEntry, choices: Record<string, string[]>): CatalogEntry {
  const params = entry.params as { properties?: Record<string, { choices?: string; enum?: unknown[] }> };
  const properties = params?.properties;
  if (!properties) return entry;
  let changed = false;
  const next: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    const values = schema.choices === undefined ? undefined : choices[schema.choices];
    if (values && values.length > 0) {
      next[key] = { ...schema, enum: values };
      changed = true;
    } else next[key] = schema;
  }
  return changed ? { ...entry, params: { ...params, properties: next } } : entry;
}
