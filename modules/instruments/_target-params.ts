import { z } from "zod";
import type { InstrumentAccess, InstrumentTarget } from "../sdk/instruments.js";
import { ModuleError } from "../sdk/module-error.js";

/** Where an attribute lives: a pipeline's role, or a device channel named directly. */
export const targetParams = {
  pipeline: z.string().min(1).optional().describe("A pipeline (with role), or leave empty and give device"),
  role: z.string().min(1).optional().describe("The role in the pipeline, e.g. heater"),
  device: z.string().min(1).optional().describe("A device of the devices file (instead of pipeline + role)"),
  channel: z.string().min(1).default("1").describe("The device's channel (with device)"),
};

export function targetOf(
  instruments: InstrumentAccess,
  params: { pipeline?: string; role?: string; device?: string; channel: string },
): InstrumentTarget {
  if (params.pipeline !== undefined) {
    if (params.role === undefined)
      throw new ModuleError("missing_param", `role: give the role of pipeline "${params.pipeline}"`);
    return instruments.resolve(params.pipeline, params.role);
  }
  if (params.device !== undefined) return { device: params.device, channel: params.channel };
  throw new ModuleError("missing_param", "pipeline: give a pipeline and role, or a device (and channel)");
}
