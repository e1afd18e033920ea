import { z } from "zod";
import { defineModule, port } from "../sdk/index.js";

/** Longer values are cut in the log (the value itself passes through whole). */
const MAX_LOGGED_CHARACTERS = 2000;

export default defineModule({
  type: "basic.Log",
  version: 1,
  label: "Log",
  description: "Writes the value it receives to the run log and passes it on unchanged.",
  inputs: {
    value: port.any("The value to record."),
  },
  outputs: {
    value: port.any("The same value, unchanged."),
  },
  params: z.strictObject({
    label: z
      .string()
      .max(200)
      .optional()
      .describe("A name written before the value in the log, to tell several Log modules apart."),
  }),
  compute: ({ inputs, params, log }) => {
    const text = typeof inputs.value === "string" ? inputs.value : JSON.stringify(inputs.value);
    const shown =
      text.length > MAX_LOGGED_CHARACTERS
        ? `${text.slice(0, MAX_LOGGED_CHARACTERS)}… (${text.length - MAX_LOGGED_CHARACTERS} more characters)`
        : text;
    log(params.label ? `${params.label}: ${shown}` : shown);
    return { value: inputs.value };
  },
});
