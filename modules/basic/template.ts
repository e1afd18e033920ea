import { z } from "zod";
import { defineModule, ModuleError, port } from "../sdk/index.js";

/** `{{ name }}` or `{{ sample.id }}`: a key, then optional `.key` steps into objects and lists. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/;

/** The problem with the placeholders of `template`, or undefined when they are all well formed. */
function findTemplateProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? "";
    if (!NAME.test(name)) {
      return `the placeholder "${match[0]}" at character ${match.index + 1} should hold a name, as in {{name}} or {{sample.id}}`;
    }
  }
  const unclosed = template.replace(PLACEHOLDER, (whole) => " ".repeat(whole.length)).indexOf("{{");
  if (unclosed >= 0) return `the "{{" at character ${unclosed + 1} is not closed by "}}"`;
  return undefined;
}

/** Follows `sample.id` through own properties only (never a prototype's). */
function lookUp(scope: Record<string, unknown>, name: string): { found: boolean; value?: unknown } {
  // A key that itself holds dots wins over a path.
  if (Object.hasOwn(scope, name)) return { found: true, value: scope[name] };
  let current: unknown = scope;
  for (const step of name.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, step))
      return { found: false };
    current = (current as Record<string, unknown>)[step];
  }
  return { found: true, value: current };
}

function format(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value);
}

export default defineModule({
  type: "basic.Template",
  version: 1,
  label: "Text template",
  description: "Fills the placeholders of a text, such as `Hello {{name}}, n = {{a}}`, with input values.",
  inputs: {
    values: port.json(
      "An object whose keys fill the placeholders of the same name ({{key}} or {{key.inner}}).",
      {
        optional: true,
      },
    ),
    a: port.any("The value of {{a}} (wins over a key `a` of values).", { optional: true }),
    b: port.any("The value of {{b}} (wins over a key `b` of values).", { optional: true }),
  },
  outputs: {
    text: port.string("The text with every placeholder filled; objects and lists are written as JSON."),
  },
  params: z.strictObject({
    template: z
      .string()
      .max(100_000)
      .superRefine((template, ctx) => {
        const problem = findTemplateProblem(template);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default("{{a}}")
      .describe(
        "The text to fill: {{name}} is replaced by the value of name, from the inputs a, b or values.",
      ),
  }),
  compute: ({ params, inputs }) => {
    const { values, a, b } = inputs;
    if (values !== undefined && (values === null || typeof values !== "object" || Array.isArray(values))) {
      throw new ModuleError("invalid_input", 'input "values" should be an object of named values', {
        port: "values",
      });
    }
    const scope: Record<string, unknown> = { ...(values as Record<string, unknown> | undefined) };
    if (a !== undefined) scope.a = a;
    if (b !== undefined) scope.b = b;
    const text = params.template.replace(PLACEHOLDER, (_whole, name: string) => {
      const { found, value } = lookUp(scope, name);
      if (!found) {
        const known = Object.keys(scope);
        throw new ModuleError(
          "template_unknown_placeholder",
          `the template uses {{${name}}}, which has no value (known: ${known.length ? known.join(", ") : "none: connect a, b or values"})`,
        );
      }
      return format(value);
    });
    return { text };
  },
});
