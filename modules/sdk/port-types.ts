/**
 * Port types: what may flow along a connection. Checked when a connection is made (editor and
 * validation) and again on the value at run time.
 *
 * | type    | value                                                       |
 * |---------|-------------------------------------------------------------|
 * | number  | a finite number                                             |
 * | string  | a string                                                    |
 * | boolean | true or false                                               |
 * | json    | any JSON value (objects, arrays, scalars)                   |
 * | table   | `{ columns: [{ name, unit? }], rows: unknown[][] }`         |
 * | file    | an absolute path to a file (in the workspace or a run dir)  |
 * | any     | anything; checked only at run time against the target port |
 */
import { z } from "zod";

export const PORT_TYPES = ["number", "string", "boolean", "json", "table", "file", "any"] as const;
export type PortType = (typeof PORT_TYPES)[number];

export const TableValue = z.object({
  columns: z.array(z.object({ name: z.string(), unit: z.string().optional() })),
  rows: z.array(z.array(z.unknown())),
});
export type TableValue = z.infer<typeof TableValue>;

const jsonValue: z.ZodType<unknown> = z.unknown().refine((v) => v !== undefined, "a value is required");

/** The runtime schema a value on a port of this type must satisfy. */
export const portValueSchema: Record<PortType, z.ZodType<unknown>> = {
  number: z.number().refine(Number.isFinite, "must be a finite number"),
  string: z.string(),
  boolean: z.boolean(),
  json: jsonValue,
  table: TableValue,
  file: z.string().min(1),
  any: jsonValue,
};

/**
 * Whether an output of type `from` may be connected to an input of type `to`.
 * `any` on either side defers the check to run time; `json` accepts every type; a file is a string.
 */
export function canConnect(from: PortType, to: PortType): boolean {
  if (from === to || from === "any" || to === "any" || to === "json") return true;
  return from === "file" && to === "string";
}

/** Why a connection is refused, in words a person reads in the editor; undefined when allowed. */
export function whyCannotConnect(from: PortType, to: PortType): string | undefined {
  return canConnect(from, to) ? undefined : `a ${from} output cannot feed a ${to} input`;
}
