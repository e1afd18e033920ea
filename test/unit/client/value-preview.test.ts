import { describe, expect, it } from "vitest";
import { PREVIEW_MAX, valuePreview } from "../../../client/editor/run/value-preview.js";

describe("the value preview on an output port", () => {
  it("shows numbers, booleans and strings themselves", () => {
    expect(valuePreview(5)).toBe("5");
    expect(valuePreview(0.1 + 0.2)).toBe("0.3");
    expect(valuePreview(true)).toBe("true");
    expect(valuePreview("ok")).toBe('"ok"');
    expect(valuePreview(null)).toBe("null");
  });

  it("cuts long values with an ellipsis", () => {
    const text = valuePreview("a rather long string of text");
    expect(text).toHaveLength(PREVIEW_MAX);
    expect(text.endsWith("…")).toBe(true);
    expect(valuePreview(123456.789012345).length).toBeLessThanOrEqual(PREVIEW_MAX);
    expect(valuePreview(1.5e-20)).toBe("1.5e-20");
  });

  it("summarises a table by rows × columns", () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i, i * 2, i * 3]);
    const table = { columns: [{ name: "a" }, { name: "b" }, { name: "c" }], rows };
    expect(valuePreview(table, "table")).toBe("table 10×3");
  });

  it("shows a file by its name", () => {
    expect(valuePreview("/data/runs/r1/name.csv", "file")).toBe("file name.csv");
    expect(valuePreview("C:\\runs\\x.zip", "file")).toBe("file x.zip");
  });

  it("summarises lists and objects", () => {
    expect(valuePreview([1, 2, 3, 4], "json")).toBe("list of 4");
    expect(valuePreview({ a: 1, b: 2 }, "json")).toBe("object {a, b}");
    expect(valuePreview({}, "any")).toBe("object {}");
  });

  it("shows nothing for a port without a value", () => {
    expect(valuePreview(undefined)).toBe("");
  });
});
