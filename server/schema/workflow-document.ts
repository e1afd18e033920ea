/**
 * The workflow document (v1): the one schema that the client, the server, the CLI and the tests
 * share. Kept free of Node imports so the browser bundle can import it.
 */
import { z } from "zod";

/** The document version this build writes. Older versions are upgraded on load. */
export const CURRENT_DOCUMENT_VERSION = 1;

/** The patterns of ids, ports and types: the schemas below, and the engine's fast path for valid documents. */
export const MODULE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
export const PORT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MODULE_TYPE_PATTERN = /^[a-z][a-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/;
/** Longest document name, description and module label (shared with the engine's fast path). */
export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 10_000;
export const LABEL_MAX = 200;

/** Module ids name places in error messages and in file names, so they are kept plain. */
export const ModuleId = z
  .string()
  .regex(MODULE_ID_PATTERN, "a module id starts with a letter or _ and holds letters, digits, _ . -");

export const PortName = z.string().regex(PORT_NAME_PATTERN, "a port name is an identifier");

/** A module type is `package.Name`, e.g. `basic.Add`. */
export const ModuleType = z
  .string()
  .regex(MODULE_TYPE_PATTERN, "a module type is package.Name, e.g. basic.Add");

export const Position = z.strictObject({ x: z.number(), y: z.number() });

export const ModuleInstance = z.strictObject({
  id: ModuleId,
  type: ModuleType,
  /** The module version the document was made with; absent means the current one. */
  version: z.number().int().positive().optional(),
  label: z.string().max(LABEL_MAX).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  position: Position.optional(),
});

export const PortRef = z.strictObject({ module: ModuleId, port: PortName });

export const Connection = z.strictObject({ from: PortRef, to: PortRef });

/** A comment on the canvas: text beside the modules, for people only (the engine ignores it). */
export const Note = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a note id holds letters, digits, _ and -"),
  text: z.string().max(10_000),
  position: Position,
});

/** Modules shown as one named box on the canvas, which can be collapsed (the engine ignores it). */
export const Group = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a group id holds letters, digits, _ and -"),
  name: z.string().max(200),
  /** The modules in the group; a module is in one group at most. */
  modules: z.array(ModuleId).min(1),
  /** Shown as its title bar only, its modules and their wires hidden. */
  collapsed: z.boolean().optional(),
});

export const WorkflowDocument = z.strictObject({
  version: z.literal(CURRENT_DOCUMENT_VERSION),
  name: z.string().min(1).max(NAME_MAX),
  description: z.string().max(DESCRIPTION_MAX).optional(),
  modules: z.array(ModuleInstance),
  connections: z.array(Connection).default([]),
  /** Comments on the canvas; optional, so documents written before notes existed stay valid. */
  notes: z.array(Note).optional(),
  /** Groups of modules on the canvas; optional, so documents written before groups stay valid. */
  groups: z.array(Group).optional(),
});

export type ModuleInstance = z.infer<typeof ModuleInstance>;
export type PortRef = z.infer<typeof PortRef>;
export type Connection = z.infer<typeof Connection>;
export type Note = z.infer<typeof Note>;
export type Group = z.infer<typeof Group>;
export type WorkflowDocument = z.infer<typeof WorkflowDocument>;
/** What a document looks like before defaults are applied (what people write). */
export type WorkflowDocumentInput = z.input<typeof WorkflowDocument>;
