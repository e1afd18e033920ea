import { useEffect, useState } from "react";
import type { Problem } from "../../../server/schema/problem.js";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { api } from "../../platform/api/api-client.js";
import type { Catalog } from "../../platform/api/catalog.js";

const NONE: readonly Problem[] = [];
/** A pause in typing before the server is asked: one request per pause, not per key. */
const QUIET_MS = 400;

/**
 * The problems only the server can tell while a person types: params a module checks against what
 * the server lends (`param_refused`: a setpoint outside an instrument's range). Asked only for
 * documents with such modules; the editor's own checks cover the rest.
 */
export function useServerCheck(doc: WorkflowDocument, catalog: Catalog): readonly Problem[] {
  const [problems, setProblems] = useState<readonly Problem[]>(NONE);
  const asks = doc.modules.some((m) => catalog.get(m.type)?.serverChecks === true);
  useEffect(() => {
    if (!asks) {
      setProblems(NONE);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api.check(doc).then(
        (found) => {
          if (current) setProblems(found.filter((p) => p.code === "param_refused"));
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
