import type { Problem } from "../schema/problem.js";
import { CURRENT_DOCUMENT_VERSION } from "../schema/workflow-document.js";

/**
 * Upgrades a document of an older version to the current one, step by step, before validation.
 * Each entry takes a document of version N and returns one of version N + 1.
 */
const UPGRADES: Record<number, (document: Record<string, unknown>) => Record<string, unknown>> = {
  // Version 1 is the first; the next version adds its step here.
};

export type UpgradeResult = { document: unknown; problems: Problem[] };

export function upgradeDocument(raw: unknown): UpgradeResult {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return {
      document: raw,
      problems: [{ code: "document_not_object", message: "a workflow document is a JSON object" }],
    };
  }
  let document = raw as Record<string, unknown>;
  const version = document.version;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    return {
      document,
      problems: [
        { code: "document_version", field: "version", message: "version must be a positive integer (1)" },
      ],
    };
  }
  if (version > CURRENT_DOCUMENT_VERSION) {
    return {
      document,
      problems: [
        {
          code: "document_too_new",
          field: "version",
          message: `the document is version ${version}, made by a newer labflow; this one reads up to ${CURRENT_DOCUMENT_VERSION}`,
        },
      ],
    };
  }
  for (let v = version; v < CURRENT_DOCUMENT_VERSION; v++) {
    const step = UPGRADES[v];
    if (!step) throw new Error(`no upgrade from document version ${v}`);
    document = step(document);
  }
  return { document, problems: [] };
}
