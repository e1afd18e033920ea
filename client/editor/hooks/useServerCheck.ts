import { useEffect, useState } from "react";
import type { Problem } from "../../../server/schema/problem.js";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { api } from "../../platform/api/api-client.js";
import type { Catalog } from "../../platform/api/catalog.js";

const NONE: readonly Problem[] = [];
/** A pause in typing before the server is asked: one request per pause, not per key. */
const QUIET_MS = 400;

/**
 * What a run of the document would be refused for, asked of the server after a pause in typing:
 * what only the server can tell (a param its schema refines, such as an expression's syntax; a
 * setpoint outside an instrument's range) shows before Run. The editor merges these with its own
 * problems, each once (withServerProblems).
 */
export function useServerCheck(doc: WorkflowDocument, catalog: Catalog): readonly Problem[] {
  const [problems, setProblems] = useState<readonly Problem[]>(NONE);
  // The catalog loaded (types known) and something to check.
  const asks = catalog.size > 0 && doc.modules.length > 0;
  useEffect(() => {
    if (!asks) {
      setProblems(NONE);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.check(doc).then(
        (found) => {
          if (current) setProblems(found);
        },
        // Unreachable or refused: the check at Run still tells.
        () => undefined,
      );
    }, QUIET_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [doc, asks]);
  return problems;
}
