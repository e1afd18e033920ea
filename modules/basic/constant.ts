import { z } from "zod";
import { defineModule, port } from "../sdk/index.js";

export default defineModule({
  type: "basic.Constant",
  version: 1,
  label: "Constant",
  description: "Outputs a fixed value set in its parameters: a number, a string, or any JSON.",
  inputs: {},
  outputs: {
    value: port.any("The value of the `value` parameter."),
  },
  params: z.strictObject({
    value: z
      .json()
      .default(0)
      .describe("The value to output: a number, a string, true/false, a list or an object."),
  }),
  compute: ({ params }) => ({ value: params.value }),
});
