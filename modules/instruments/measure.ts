import { z } from "zod";
import { defineModule } from "../sdk/define-module.js";
import { requireInstruments } from "../sdk/instruments.js";
import { port } from "../sdk/port.js";
import { targetOf, targetParams } from "./_target-params.js";

/** One reading of one attribute, with its unit and UTC time. */
export default defineModule({
  type: "instruments.Measure",
  version: 1,
  label: "Measure",
  description: "Reads one attribute of an instrument once (e.g. the temperature), with its unit.",
  inputs: {
    after: port.any("reads only once this value is ready", { optional: true }),
  },
  outputs: {
    value: port.any("the reading"),
    unit: port.string("its unit (empty when it has none)"),
    t: port.string("when it was read, ISO UTC"),
  },
  params: {
    ...targetParams,
    attribute: z.string().min(1).default("temperature").describe("The attribute to read"),
  },
  // Reading an instrument is never served from the cache: each run talks to the device.
  cache: "never",
  async compute(ctx) {
    const instruments = requireInstruments(ctx.services);
    const target = targetOf(instruments, ctx.params);
    const reading = await instruments.getAttribute(target, ctx.params.attribute);
    ctx.log(`${reading.name} = ${reading.value}${reading.unit ? ` ${reading.unit}` : ""} at ${reading.t}`);
    return { value: reading.value, unit: reading.unit ?? "", t: reading.t };
  },
});
