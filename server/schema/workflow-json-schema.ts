import { z } from "zod";
import { WorkflowDocument } from "./workflow-document.js";

/** The JSON Schema of the workflow document, generated from the zod schema (never written by hand). */
export function workflowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WorkflowDocument, { io: "input" }),
    $id: "https://labflow.dev/schemas/workflow-document-v1.json",
    title: "labflow workflow document",
  };
}

/** The text of workflows/schema.json: stable, so a test can tell when it drifts from the zod schema. */
export function workflowJsonSchemaText(): string {
  return `${JSON.stringify(workflowJsonSchema(), null, 2)}\n`;
}
