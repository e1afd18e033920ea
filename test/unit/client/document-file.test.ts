import { describe, expect, it } from "vitest";
import { documentText, parseDocumentText } from "../../../client/editor/core/document-file.js";
import { doc } from "./catalog-fixture.js";

describe("import and export", () => {
  it("exports exactly the document and reads it back", () => {
    const d = doc((w) => w.module("k", "basic.Constant", { value: 2 }));
    expect(parseDocumentText(documentText(d))).toEqual({ ok: true, doc: d });
  });

  it("names the field that makes a file not a workflow", () => {
    const result = parseDocumentText(
      JSON.stringify({ version: 1, name: "x", modules: [{ id: "1", type: "basic.Add" }] }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^not a labflow workflow: modules\.0\.id: /);
  });
});
