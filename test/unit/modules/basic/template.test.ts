import { describe, expect, it } from "vitest";
import template from "../../../../modules/basic/template.js";
import { runCompute } from "./_run-compute.js";

async function fill(text: string, inputs: Record<string, unknown>): Promise<unknown> {
  return (await runCompute(template, { params: { template: text }, inputs })).outputs.text;
}

describe("basic.Template", () => {
  it("fills placeholders from values and from a and b", async () => {
    expect(
      await fill("Hello {{name}}, n = {{ a }}, ok = {{b}}", { values: { name: "Ada" }, a: 3, b: true }),
    ).toBe("Hello Ada, n = 3, ok = true");
  });

  it("reaches into objects and lists with dots", async () => {
    expect(
      await fill("{{sample.id}} / {{runs.1}}", { values: { sample: { id: "S-7" }, runs: [10, 20] } }),
    ).toBe("S-7 / 20");
  });

  it("writes objects and lists as JSON", async () => {
    expect(await fill("{{a}} {{b}}", { a: { x: 1 }, b: [1, "two"] })).toBe('{"x":1} [1,"two"]');
  });

  it("lets the a input win over a key a of values", async () => {
    expect(await fill("{{a}}", { values: { a: "from values" }, a: "from a" })).toBe("from a");
  });

  it("names an unknown placeholder", async () => {
    await expect(fill("Hello {{name}}", { a: 1 })).rejects.toMatchObject({
      code: "template_unknown_placeholder",
      message: expect.stringContaining("{{name}}"),
    });
  });

  it("never fills a placeholder from what JavaScript objects inherit", async () => {
    await expect(fill("{{constructor}}", { values: {} })).rejects.toMatchObject({
      code: "template_unknown_placeholder",
    });
    await expect(fill("{{a.toString}}", { a: "x" })).rejects.toMatchObject({
      code: "template_unknown_placeholder",
    });
  });

  it("refuses values that are not an object", async () => {
    await expect(fill("{{a}}", { values: [1, 2] })).rejects.toMatchObject({
      code: "invalid_input",
      port: "values",
    });
  });

  it("refuses a malformed placeholder at validation time", () => {
    const empty = template.params.safeParse({ template: "Hello {{ }}" });
    expect(empty.error?.issues[0]?.message).toContain("should hold a name");
    const unclosed = template.params.safeParse({ template: "Hello {{name" });
    expect(unclosed.error?.issues[0]?.message).toContain('"{{" at character 7 is not closed');
  });
});
