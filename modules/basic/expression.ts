import { z } from "zod";
import { defineModule, port } from "../sdk/index.js";
import { compileExpression, findExpressionProblem, MAX_EXPRESSION_LENGTH } from "./_expression-language.js";

const optionalInput = (name: string) =>
  port.any(`The value of \`${name}\` in the expression (a number, string or boolean).`, { optional: true });

export default defineModule({
  type: "basic.Expression",
  version: 1,
  label: "Expression",
  description: "Computes a formula such as `a * 2 + (b > 3 ? 1 : 0)` from up to four inputs.",
  inputs: {
    a: optionalInput("a"),
    b: optionalInput("b"),
    c: optionalInput("c"),
    d: optionalInput("d"),
  },
  outputs: {
    result: port.any("The value of the expression: a number, a string or true/false."),
  },
  params: z.strictObject({
    expression: z
      .string()
      .max(MAX_EXPRESSION_LENGTH)
      .superRefine((source, ctx) => {
        const problem = findExpressionProblem(source);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("a")
      .describe(
        "A formula over the inputs a, b, c, d and the constants pi and e: + - * / % ** (power), " +
          "== != < <= > >=, && || !, test ? x : y, and abs min max round floor ceil sqrt log exp sin cos tan pow.",
      ),
  }),
  compute: ({ params, inputs }) => ({
    result: compileExpression(params.expression).evaluate(inputs),
  }),
});
