/**
 * The inspector's form, described as data from a module's params JSON Schema: one field per
 * property, with the widget kind, bounds and default. Also parses and formats the text a person
 * types, so the form is validated as it is typed.
 */

import type { JsonSchema } from "../../../server/schema/catalog.js";
import { checkValue, resolveRef } from "./json-schema.js";

export type FieldKind = "number" | "integer" | "enum" | "boolean" | "string" | "json";

export interface ParamField {
  key: string;
  kind: FieldKind;
  description?: string;
  required: boolean;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  /** For `enum`: the allowed values. */
  options?: unknown[];
  /** For `string`: long text gets a textarea. */
  multiline?: boolean;
  /** For `json`: text that is not JSON is taken as a string (when strings are allowed). */
  acceptsString?: boolean;
  /** The property's schema (resolved), and the root that its `$ref`s point into. */
  schema: JsonSchema;
  root: JsonSchema;
}

function kindOf(s: JsonSchema): FieldKind {
  if (s.enum && s.enum.length > 0 && s.enum.every((v) => typeof v === "string" || typeof v === "number"))
    return "enum";
  if (s.type === "integer") return "integer";
  if (s.type === "number") return "number";
  if (s.type === "boolean") return "boolean";
  if (s.type === "string") return "string";
  return "json";
}

function acceptsString(s: JsonSchema, root: JsonSchema): boolean {
  return checkValue(s, "text", root) === undefined || checkValue(s, "", root) === undefined;
}

const fieldsCache = new WeakMap<JsonSchema, ParamField[]>();

/** The form fields of a params schema, in declaration order (computed once per schema). */
export function paramFields(root: JsonSchema): ParamField[] {
  let fields = fieldsCache.get(root);
  if (!fields) {
    fields = buildFields(root);
    fieldsCache.set(root, fields);
  }
  return fields;
}

function buildFields(root: JsonSchema): ParamField[] {
  const required = new Set(root.required ?? []);
  return Object.entries(root.properties ?? {}).map(([key, property]) => {
    const s = resolveRef(property, root);
    const kind = kindOf(s);
    const field: ParamField = { key, kind, required: required.has(key), schema: s, root };
    if (s.description) field.description = s.description;
    if (s.default !== undefined) field.default = s.default;
    if (kind === "number" || kind === "integer") {
      const min = s.minimum ?? s.exclusiveMinimum;
      const max = s.maximum ?? s.exclusiveMaximum;
      // zod writes the safe-integer range for .int(): not a bound a person set.
      if (min !== undefined && min > Number.MIN_SAFE_INTEGER) field.minimum = min;
      if (max !== undefined && max < Number.MAX_SAFE_INTEGER) field.maximum = max;
    }
    if (kind === "enum") field.options = s.enum;
    if (kind === "string") field.multiline = s.maxLength !== undefined && s.maxLength > 200;
    if (kind === "json") field.acceptsString = acceptsString(s, root);
    return field;
  });
}

export type ParsedField = { ok: true; value: unknown } | { ok: false; message: string };

/** Text typed into a field -> the param value (`undefined`: unset, the default applies). */
export function parseFieldText(field: ParamField, text: string): ParsedField {
  if (field.kind === "string") return { ok: true, value: text === "" && !field.required ? undefined : text };
  if (text.trim() === "") return { ok: true, value: undefined };
  switch (field.kind) {
    case "number":
    case "integer": {
      const value = Number(text);
      if (!Number.isFinite(value)) return { ok: false, message: "must be a number" };
      if (field.kind === "integer" && !Number.isInteger(value))
        return { ok: false, message: "must be a whole number" };
      return { ok: true, value };
    }
    case "enum": {
      const option = field.options?.find((o) => String(o) === text);
      return option === undefined
        ? { ok: false, message: "not an allowed value" }
        : { ok: true, value: option };
    }
    case "boolean":
      return { ok: true, value: text === "true" };
    default:
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch (error) {
        if (field.acceptsString) return { ok: true, value: text };
        return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
      }
  }
}

/** A param value -> the text shown in its field (the inverse of parseFieldText). */
export function formatFieldValue(field: ParamField, value: unknown): string {
  if (value === undefined) return "";
  if (field.kind === "json") {
    if (typeof value === "string" && field.acceptsString && !looksLikeJson(value)) return value;
    return JSON.stringify(value, null, 2) ?? "";
  }
  return String(value);
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The problem of a value against its field's schema, or undefined. */
export function fieldProblem(field: ParamField, value: unknown): string | undefined {
  if (value === undefined) return field.required && field.default === undefined ? "is required" : undefined;
  return checkValue(field.schema, value, field.root);
}
