/**
 * The document schema's happy path without zod's machinery: a 10,000-module document spent a good
 * part of a first run in zod's per-value payloads and check loops. `validDocument` checks the same
 * rules as `WorkflowDocument` (server/schema/workflow-document.ts), never fewer, and builds the value
 * zod would return (new objects, keys in the schema's order, `connections` defaulted). Anything it is
 * not sure of (an unknown key, a value of another type, an undefined optional, a symbol key, a
 * `__proto__` key, notes or groups zod refuses) gives undefined: then zod parses the document and
 * names every problem, as before.
 */
import {
  CURRENT_DOCUMENT_VERSION,
  DESCRIPTION_MAX,
  LABEL_MAX,
  MODULE_ID_PATTERN,
  MODULE_TYPE_PATTERN,
  NAME_MAX,
  PORT_NAME_PATTERN,
  WorkflowDocument,
} from "../schema/workflow-document.js";

type Json = Record<string, unknown>;

const DOCUMENT_KEYS = new Set([
  "version",
  "name",
  "description",
  "modules",
  "connections",
  "notes",
  "groups",
]);
const MODULE_KEYS = new Set(["id", "type", "version", "label", "params", "position"]);

/** The parsed document when it surely passes the schema; undefined to let zod decide. */
export function validDocument(input: unknown): WorkflowDocument | undefined {
  if (!isPlain(input) || !onlyKeys(input, DOCUMENT_KEYS)) return undefined;
  if (input.version !== CURRENT_DOCUMENT_VERSION) return undefined;
  const { name } = input;
  if (typeof name !== "string" || name.length < 1 || name.length > NAME_MAX) return undefined;
  const document: Json = { version: CURRENT_DOCUMENT_VERSION, name };
  if (Object.hasOwn(input, "description")) {
    const { description } = input;
    if (typeof description !== "string" || description.length > DESCRIPTION_MAX) return undefined;
    document.description = description;
  }
  const modules = moduleList(input.modules);
  if (!modules) return undefined;
  document.modules = modules;
  const connections = Object.hasOwn(input, "connections") ? connectionList(input.connections) : [];
  if (!connections) return undefined;
  document.connections = connections;
  // Notes and groups are few and for people: the schema's own parts check them.
  for (const key of ["notes", "groups"] as const) {
    if (!Object.hasOwn(input, key)) continue;
    const parsed = WorkflowDocument.shape[key].safeParse(input[key]);
    if (!parsed.success || parsed.data === undefined) return undefined;
    document[key] = parsed.data;
  }
  return document as WorkflowDocument;
}

function moduleList(value: unknown): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const modules: Json[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const module = moduleInstance(value[i]);
    if (!module) return undefined;
    modules[i] = module;
  }
  return modules;
}

function moduleInstance(value: unknown): Json | undefined {
  if (!isPlain(value) || !onlyKeys(value, MODULE_KEYS)) return undefined;
  const { id, type } = value;
  if (typeof id !== "string" || !MODULE_ID_PATTERN.test(id)) return undefined;
  if (typeof type !== "string" || !MODULE_TYPE_PATTERN.test(type)) return undefined;
  const module: Json = { id, type };
  if (Object.hasOwn(value, "version")) {
    const { version } = value;
    if (typeof version !== "number" || !Number.isSafeInteger(version) || version <= 0) return undefined;
    module.version = version;
  }
  if (Object.hasOwn(value, "label")) {
    const { label } = value;
    if (typeof label !== "string" || label.length > LABEL_MAX) return undefined;
    module.label = label;
  }
  if (Object.hasOwn(value, "params")) {
    const params = paramsRecord(value.params);
    if (!params) return undefined;
    module.params = params;
  }
  if (Object.hasOwn(value, "position")) {
    const position = value.position;
    if (!isPlain(position) || !onlyKeys(position, POSITION_KEYS)) return undefined;
    const { x, y } = position;
    if (typeof x !== "number" || !Number.isFinite(x) || typeof y !== "number" || !Number.isFinite(y))
      return undefined;
    module.position = { x, y };
  }
  return module;
}

const POSITION_KEYS = new Set(["x", "y"]);
const CONNECTION_KEYS = new Set(["from", "to"]);
const PORT_REF_KEYS = new Set(["module", "port"]);

/** A copy of params with string keys (z.record(z.string(), z.unknown())): the values as they are. */
function paramsRecord(value: unknown): Json | undefined {
  if (!isPlain(value) || Object.getOwnPropertySymbols(value).length > 0) return undefined;
  const params: Json = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return undefined;
    params[key] = value[key];
  }
  return params;
}

function connectionList(value: unknown): Json[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const connections: Json[] = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const connection = value[i];
    if (!isPlain(connection) || !onlyKeys(connection, CONNECTION_KEYS)) return undefined;
    const from = portRef(connection.from);
    const to = portRef(connection.to);
    if (!from || !to) return undefined;
    connections[i] = { from, to };
  }
  return connections;
}

function portRef(value: unknown): Json | undefined {
  if (!isPlain(value) || !onlyKeys(value, PORT_REF_KEYS)) return undefined;
  const { module, port } = value;
  if (typeof module !== "string" || !MODULE_ID_PATTERN.test(module)) return undefined;
  if (typeof port !== "string" || !PORT_NAME_PATTERN.test(port)) return undefined;
  return { module, port };
}

/** An object literal's kind: its prototype Object's or none (never a class instance or an array). */
function isPlain(value: unknown): value is Json {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Every own key is one of `allowed`, and none holds undefined (an optional given as undefined). */
function onlyKeys(value: Json, allowed: ReadonlySet<string>): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !allowed.has(key) || value[key] === undefined) return false;
  }
  return true;
}
