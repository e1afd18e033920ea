import type { JsonSchema } from "../../../server/schema/catalog.js";
/**
 * Just enough JSON Schema (draft 2020-12, as zod writes it) to build forms and to check params as
 * they are typed: types, enum/const, number and length bounds, pattern, items, properties,
 * required, anyOf/oneOf/allOf and local `$ref`s. The server checks again with the real zod schema.
 */

/** Follows a local `$ref` (`#/$defs/name`) against the root schema. */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 32; depth++) {
    const match = /^#\/\$defs\/(.+)$/.exec(current.$ref);
    const target = match ? root.$defs?.[match[1] ?? ""] : undefined;
    if (!target) return {};
    // Keywords beside the $ref (default, description) win over the target's.
    const { $ref: _ref, ...beside } = current;
    current = { ...target, ...beside };
  }
  return current;
}

const typeOf = (value: unknown): string => {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
};

function matchesType(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

const show = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** The first reason why `value` does not fit `schema`, or undefined when it fits. */
export function checkValue(
  schema: JsonSchema,
  value: unknown,
  root: JsonSchema = schema,
): string | undefined {
  const s = resolveRef(schema, root);
  if (s.allOf) {
    for (const part of s.allOf) {
      const why = checkValue(part, value, root);
      if (why) return why;
    }
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && !alternatives.some((alt) => checkValue(alt, value, root) === undefined)) {
    const first = alternatives.map((alt) => checkValue(alt, value, root)).find(Boolean);
    return alternatives.length === 1 ? first : `does not fit any allowed form (${first})`;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => matchesType(t, value))) return `must be ${types.map(article).join(" or ")}`;
  }
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value))
    return `must be ${show(s.const)}`;
  if (s.enum && !s.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)))
    return `must be one of ${s.enum.map(show).join(", ")}`;
  if (typeof value === "number") return checkNumber(s, value);
  if (typeof value === "string") return checkString(s, value);
  if (Array.isArray(value)) return checkArray(s, value, root);
  if (value !== null && typeof value === "object")
    return checkObject(s, value as Record<string, unknown>, root);
  return undefined;
}

const article = (type: string): string =>
  ({ integer: "a whole number", array: "a list", object: "an object", null: "null" })[type] ?? `a ${type}`;

function checkNumber(s: JsonSchema, value: number): string | undefined {
  if (!Number.isFinite(value)) return "must be a finite number";
  if (s.minimum !== undefined && value < s.minimum) return `must be at least ${s.minimum}`;
  if (s.maximum !== undefined && value > s.maximum) return `must be at most ${s.maximum}`;
  if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
    return `must be more than ${s.exclusiveMinimum}`;
  if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
    return `must be less than ${s.exclusiveMaximum}`;
  return undefined;
}

function checkString(s: JsonSchema, value: string): string | undefined {
  if (s.minLength !== undefined && value.length < s.minLength)
    return s.minLength === 1 ? "must not be empty" : `must have at least ${s.minLength} characters`;
  if (s.maxLength !== undefined && value.length > s.maxLength)
    return `must have at most ${s.maxLength} characters`;
  if (s.pattern !== undefined) {
    try {
      if (!new RegExp(s.pattern, "u").test(value)) return `must match ${s.pattern}`;
    } catch {
      // A pattern this browser cannot compile is left to the server.
    }
  }
  return undefined;
}

function checkArray(s: JsonSchema, value: unknown[], root: JsonSchema): string | undefined {
  if (s.minItems !== undefined && value.length < s.minItems) return `must have at least ${s.minItems} items`;
  if (s.maxItems !== undefined && value.length > s.maxItems) return `must have at most ${s.maxItems} items`;
  if (s.items) {
    for (const [i, item] of value.entries()) {
      const why = checkValue(s.items, item, root);
      if (why) return `item ${i + 1} ${why}`;
    }
  }
  return undefined;
}

function checkObject(s: JsonSchema, value: Record<string, unknown>, root: JsonSchema): string | undefined {
  for (const key of s.required ?? []) if (value[key] === undefined) return `${key} is required`;
  for (const [key, item] of Object.entries(value)) {
    const property = s.properties?.[key];
    const schema =
      property ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
    if (!property && s.additionalProperties === false) return `${key} is not a known field`;
    const why = schema && item !== undefined ? checkValue(schema, item, root) : undefined;
    if (why) return `${key} ${why}`;
  }
  return undefined;
}

/** The declared defaults of an object schema's properties. */
export function defaultsOf(schema: JsonSchema): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const resolved = resolveRef(property, schema);
    if (resolved.default !== undefined) defaults[key] = structuredClone(resolved.default);
  }
  return defaults;
}
