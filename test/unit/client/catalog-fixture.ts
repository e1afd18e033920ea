/** A small module catalog and a document builder for the editor-core specs. */
import { type Catalog, indexCatalog } from "../../../client/platform/api/catalog.js";
import type { CatalogEntry } from "../../../server/schema/catalog.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { WorkflowBuilder } from "../../helpers/workflow-builder.js";

const entry = (e: Partial<CatalogEntry> & Pick<CatalogEntry, "type">): CatalogEntry => ({
  package: e.type.split(".")[0] ?? "",
  version: 1,
  label: e.type.split(".")[1] ?? "",
  description: "",
  inputs: {},
  outputs: {},
  params: { type: "object", properties: {}, additionalProperties: false },
  isJob: false,
  ...e,
});

export const catalogEntries: CatalogEntry[] = [
  entry({
    type: "basic.Constant",
    outputs: { value: { type: "any" } },
    params: {
      type: "object",
      properties: { value: { default: 0, $ref: "#/$defs/json" } },
      additionalProperties: false,
      $defs: {
        json: { anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }] },
      },
    },
  }),
  entry({
    type: "basic.Add",
    inputs: { a: { type: "number" }, b: { type: "number" } },
    outputs: { sum: { type: "number" } },
  }),
  entry({
    type: "text.Upper",
    inputs: { text: { type: "string" } },
    outputs: { text: { type: "string" } },
  }),
  entry({
    type: "data.Table",
    outputs: { table: { type: "table" } },
    params: {
      type: "object",
      properties: {
        rows: { type: "integer", minimum: 1, maximum: 1000, default: 10 },
        format: { type: "string", enum: ["csv", "json"], default: "csv" },
        header: { type: "boolean" },
        path: { type: "string", minLength: 1 },
        options: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["path"],
      additionalProperties: false,
    },
  }),
];

export const catalog: Catalog = indexCatalog(catalogEntries);

/** `doc((w) => w.module("a", "basic.Constant").connect("a.value", "s.a"))` */
export function doc(build: (w: WorkflowBuilder) => WorkflowBuilder = (w) => w): WorkflowDocument {
  return WorkflowDocument.parse(build(new WorkflowBuilder("spec")).build());
}

export const conn = (from: string, to: string) => {
  const [fm = "", fp = ""] = from.split(".");
  const [tm = "", tp = ""] = to.split(".");
  return { from: { module: fm, port: fp }, to: { module: tm, port: tp } };
};
