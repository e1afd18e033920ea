import { describe, expect, it } from "vitest";
import {
  fieldProblem,
  formatFieldValue,
  type ParamField,
  paramFields,
  parseFieldText,
} from "../../../client/editor/core/param-fields.js";
import { catalog } from "./catalog-fixture.js";

const fields = (type: string) => paramFields(catalog.get(type)!.params);
const field = (type: string, key: string): ParamField => fields(type).find((f) => f.key === key)!;

describe("the params form built from JSON Schema", () => {
  it("picks a widget per property: number with bounds, select, checkbox, text, JSON", () => {
    expect(fields("data.Table").map((f) => [f.key, f.kind])).toEqual([
      ["rows", "integer"],
      ["format", "enum"],
      ["header", "boolean"],
      ["path", "string"],
      ["options", "json"],
    ]);
    expect(field("data.Table", "rows")).toMatchObject({ minimum: 1, maximum: 1000, default: 10 });
    expect(field("data.Table", "format").options).toEqual(["csv", "json"]);
    expect(field("data.Table", "path").required).toBe(true);
  });

  it("follows $ref into $defs and keeps the default beside it", () => {
    const value = field("basic.Constant", "value");
    expect(value.kind).toBe("json");
    expect(value.default).toBe(0);
    expect(value.acceptsString).toBe(true);
  });

  it("refuses text that is not a number, and does not commit it", () => {
    expect(parseFieldText(field("data.Table", "rows"), "12")).toEqual({ ok: true, value: 12 });
    expect(parseFieldText(field("data.Table", "rows"), "1.5")).toEqual({
      ok: false,
      message: "must be a whole number",
    });
    expect(parseFieldText(field("data.Table", "rows"), "")).toEqual({ ok: true, value: undefined });
  });

  it("reports values outside the schema's bounds as problems", () => {
    expect(fieldProblem(field("data.Table", "rows"), 0)).toBe("must be at least 1");
    expect(fieldProblem(field("data.Table", "rows"), 5000)).toBe("must be at most 1000");
    expect(fieldProblem(field("data.Table", "path"), undefined)).toBe("is required");
    expect(fieldProblem(field("data.Table", "options"), { a: 1 })).toBe("a must be a string");
  });

  it("reads JSON, and plain text as a string where strings are allowed", () => {
    const value = field("basic.Constant", "value");
    expect(parseFieldText(value, "42")).toEqual({ ok: true, value: 42 });
    expect(parseFieldText(value, "hello world")).toEqual({ ok: true, value: "hello world" });
    expect(formatFieldValue(value, "hello world")).toBe("hello world");
    expect(formatFieldValue(value, "42")).toBe('"42"');
    const options = field("data.Table", "options");
    expect(parseFieldText(options, "{ nope").ok).toBe(false);
  });
});
