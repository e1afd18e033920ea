/**
 * The module catalog as `GET /api/modules` sends it: how the palette, the inspector and the
 * editor's graph checks see a module type. modules/sdk/catalog.ts builds the entries from the
 * module definitions; the browser bundle reads them through this schema and never imports module
 * code. Pure zod, no Node imports.
 */
import { z } from "zod";
import { PORT_TYPES } from "../../modules/sdk/port-types.js";

export const PortType = z.enum(PORT_TYPES);

/** A typed input or output port of a module. */
export const PortSpecView = z.object({
  type: PortType,
  description: z.string().optional(),
  /** Inputs only: the module runs without it. */
  optional: z.boolean().optional(),
});
export type PortSpecView = z.infer<typeof PortSpecView>;

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

/** Any JSON object passes: the editor reads the keywords it knows and ignores the rest. */
const JsonSchemaObject = z.custom<JsonSchema>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  "a JSON Schema object",
);

export const CatalogEntry = z.object({
  type: z.string(),
  package: z.string(),
  version: z.number(),
  label: z.string(),
  description: z.string(),
  inputs: z.record(z.string(), PortSpecView),
  outputs: z.record(z.string(), PortSpecView),
  /** JSON Schema of the params object. */
  params: JsonSchemaObject,
  isJob: z.boolean(),
  /** The server also checks its params against what it lends (an instrument's ranges): ask it. */
  serverChecks: z.boolean().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** `GET /api/modules` */
export const CatalogAnswer = z.object({ modules: z.array(CatalogEntry) });
export type CatalogAnswer = z.infer<typeof CatalogAnswer>;
