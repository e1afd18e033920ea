import type { PortType } from "./port-types.js";

/** A typed input or output port of a module. */
export interface PortSpec {
  type: PortType;
  description?: string;
  /** Inputs only: the module runs without it (its value is then undefined). */
  optional?: boolean;
}

type PortOptions = Omit<PortSpec, "type">;
type TypedPort<T extends PortType> = PortSpec & { type: T };

const builder =
  <T extends PortType>(type: T) =>
  (description?: string, options: PortOptions = {}): TypedPort<T> => ({
    type,
    ...(description ? { description } : {}),
    ...options,
  });

/** Port builders, so module files read `a: port.number("first term")`. */
export const port = {
  number: builder("number"),
  string: builder("string"),
  boolean: builder("boolean"),
  json: builder("json"),
  table: builder("table"),
  file: builder("file"),
  any: builder("any"),
};
