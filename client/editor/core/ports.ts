/** The ports of a module instance, from the catalog (or, for an unknown type, from its edges). */

import type { PortSpecView as PortSpec } from "../../../server/schema/catalog.js";
import { portOf } from "../../../server/schema/graph-check.js";
import type { PortType } from "../../../server/schema/port-types.js";
import type { ModuleInstance, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";

export type PortSide = "input" | "output";

export function portSpec(
  catalog: Catalog,
  module: ModuleInstance | undefined,
  side: PortSide,
  port: string,
): PortSpec | undefined {
  return portOf(module ? catalog.get(module.type) : undefined, side, port);
}

export const portTypeOf = (spec: PortSpec | undefined): PortType => spec?.type ?? "any";

/** Ports of a module whose type the catalog does not know: those its connections use. */
export function portsFromConnections(
  doc: WorkflowDocument,
  moduleId: string,
): { inputs: Record<string, PortSpec>; outputs: Record<string, PortSpec> } {
  const inputs: Record<string, PortSpec> = {};
  const outputs: Record<string, PortSpec> = {};
  for (const c of doc.connections) {
    if (c.to.module === moduleId) inputs[c.to.port] = { type: "any" };
    if (c.from.module === moduleId) outputs[c.from.port] = { type: "any" };
  }
  return { inputs, outputs };
}
