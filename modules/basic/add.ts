import { z } from "zod";
import { defineModule, ModuleError, port } from "../sdk/index.js";

export default defineModule({
  type: "basic.Add",
  version: 1,
  label: "Add",
  description: "Adds two numbers.",
  inputs: {
    a: port.number("The first term."),
    b: port.number("The second term."),
  },
  outputs: {
    sum: port.number("a + b."),
  },
  params: z.strictObject({}),
  compute: ({ inputs }) => {
    const sum = inputs.a + inputs.b;
    if (!Number.isFinite(sum)) {
      throw new ModuleError("number_overflow", `${inputs.a} + ${inputs.b} is too large for a number`);
    }
    return { sum };
  },
});
