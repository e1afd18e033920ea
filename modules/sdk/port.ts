import type { PortType } from "./port-types.js";

/** A typed input or output port of a module. */
export interface PortSpec {
  type: PortType;
  description?: string;
  /** Inputs only: the module runs without it (its value is then undefined). */
  optional?: boolean;
}

type PortOptions = Omit<PortSpec, "type">;

/** Port builders, so module files read `a: port.number("first term")`. */
export const port = {
  number: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "number", description, ...o }),
  string: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "string", description, ...o }),
  boolean: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "boolean", description, ...o }),
  json: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "json", description, ...o }),
  table: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "table", description, ...o }),
  file: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "file", description, ...o }),
  any: (description?: string, o: PortOptions = {}): PortSpec => ({ type: "any", description, ...o }),
};
