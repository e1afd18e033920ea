/**
 * The module catalog as `GET /api/modules` sends it. A client-side copy of the shape of
 * `modules/sdk/catalog.ts`, so that the browser bundle never imports module code.
 */
import type { PortType } from "../../modules/sdk/port-types.js";

/** A subset of JSON Schema (draft 2020-12) as zod's `toJSONSchema` writes module params. */
export interface JsonSchema {
  $schema?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** A typed input or output port of a module. */
export interface PortSpec {
  type: PortType;
  description?: string;
  /** Inputs only: the module runs without it. */
  optional?: boolean;
}

/** How the palette and the inspector see a module type. */
export interface CatalogEntry {
  type: string;
  package: string;
  version: number;
  label: string;
  description: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  /** JSON Schema of the params object. */
  params: JsonSchema;
  isJob: boolean;
}

/** The catalog by module type. */
export type Catalog = ReadonlyMap<string, CatalogEntry>;

export function indexCatalog(entries: readonly CatalogEntry[]): Catalog {
  return new Map(entries.map((entry) => [entry.type, entry]));
}
