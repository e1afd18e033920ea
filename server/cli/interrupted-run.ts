import { canonicalJson } from "../engine/canonical-json.js";
import type { Engine } from "../engine/engine.js";
import type { RunRecord } from "../engine/records.js";

/**
 * The run an interrupted `labflow run` of this same document left unfinished (the oldest, if there
 * are several), for the next `labflow run` to follow instead of starting the work a second time.
 * Documents are compared as validated (upgraded, parsed by the schema), in canonical JSON: the order
 * of keys makes no difference; any other change, a param or a module's position, is another
 * document. Throws the EngineError of an invalid `document`.
 */
export function findInterruptedRun(
  engine: Engine,
  unfinished: readonly RunRecord[],
  document: unknown,
): RunRecord | undefined {
  if (unfinished.length === 0) return undefined;
  const wanted = canonicalJson(engine.validate(document).document);
  const same = unfinished.filter((run) => canonicalJson(validatedOrNull(engine, run)) === wanted);
  return same.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
}

/** A stored document that no longer validates (a module type was removed) matches nothing. */
function validatedOrNull(engine: Engine, run: RunRecord): unknown {
  try {
    return engine.validate(run.document).document;
  } catch {
    return null;
  }
}
