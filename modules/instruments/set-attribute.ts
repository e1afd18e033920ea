import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { requireInstruments } from "../sdk/instruments.js";
import { ModuleError } from "../sdk/module-error.js";
import { port } from "../sdk/port.js";
import { targetOf, targetParams } from "./_target-params.js";

/** Sets one attribute of a device (a setpoint, a ramp rate), e.g. before an acquisition. */
export default defineModule({
  type: "instruments.SetAttribute",
  version: 1,
  label: "Set attribute",
  description: "Sets an attribute of an instrument (e.g. a temperature setpoint); the driver checks limits.",
  inputs: {
    value: port.any("the value to set, instead of the value param", { optional: true }),
  },
  outputs: {
    value: port.any("the value that was set"),
  },
  params: {
    ...targetParams,
    attribute: z.string().min(1).describe("The attribute to set, e.g. setpoint"),
    value: z.union([z.number(), z.string(), z.boolean()]).optional().describe("The value (or connect one)"),
    force: z
      .boolean()
      .default(false)
      .describe("Set it even while a job uses the device channel (recorded in that job's log and data)"),
  },
  // Setting an instrument is never served from the cache: each run talks to the device.
  cache: "never",
  validate(params, services) {
    const rules = services.instrumentRules;
    if (!rules || params.value === undefined) return [];
    const where =
      params.pipeline !== undefined
        ? params.role !== undefined
          ? { pipeline: params.pipeline, role: params.role }
          : undefined
        : params.device !== undefined
          ? { device: params.device, channel: params.channel }
          : undefined;
    const why = where && rules.whyNotSettable(where, params.attribute, params.value);
    return why ? [{ field: "value", message: why }] : [];
  },
  async compute(ctx) {
    const instruments = requireInstruments(ctx.services);
    const value = ctx.inputs.value ?? ctx.params.value;
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") {
      throw new ModuleError("missing_value", "value: give a number, string or boolean (param or input)");
    }
    const target = targetOf(instruments, ctx.params);
    const { forcedOver } = await instruments
      .setAttribute(target, ctx.params.attribute, value, {
        force: ctx.params.force,
        by: `run ${ctx.runId}, module ${ctx.moduleId}`,
      })
      .catch((error: Error & { code?: unknown }) => {
        // A refusal of the lab (a channel in use) keeps its code: it is no bug of this module.
        if (error.code === "device_in_use") throw new ModuleError(error.code, error.message);
        throw error;
      });
    ctx.log(
      `set ${ctx.params.attribute} = ${value} on ${target.device}/${target.channel}${forcedOver ? ` (forced while job ${forcedOver} used it)` : ""}`,
    );
    return { value };
  },
});
