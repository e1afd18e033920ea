/** The document as a `.json` file: exactly the WorkflowDocument, checked by its schema on import. */
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";

export type ParsedDocument = { ok: true; doc: WorkflowDocument } | { ok: false; reason: string };

export function parseDocumentText(text: string): ParsedDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const result = WorkflowDocument.safeParse(raw);
  if (result.success) return { ok: true, doc: result.data };
  const issue = result.error.issues[0];
  const place = issue?.path.length ? `${issue.path.join(".")}: ` : "";
  return { ok: false, reason: `not a labflow workflow: ${place}${issue?.message ?? "invalid"}` };
}

export const documentText = (doc: WorkflowDocument): string => `${JSON.stringify(doc, null, 2)}\n`;

/** A file name for the document: its name, made safe. */
export const documentFileName = (doc: WorkflowDocument): string =>
  `${doc.name.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[.-]+/, "") || "workflow"}.json`;

/** Whether the server can save under this name (`[A-Za-z0-9_.-]{1,100}`, no leading dot). */
export const isSaveableName = (name: string): boolean => /^(?!\.)[A-Za-z0-9_.-]{1,100}$/.test(name);
