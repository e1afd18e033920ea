import { createHash } from "node:crypto";
import { canonicalJson } from "../engine/canonical-json.js";
import type { Store } from "../engine/store.js";
import { LabflowError } from "../schema/errors.js";

/** The header a client sends to make `POST /api/runs` safe to retry. */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/** Keys are kept in the Store's key-value table (no migration), under this prefix. */
const PREFIX = "idempotency:";

interface StoredStart {
  /** SHA-256 of the request's canonical JSON: the same key must come with the same request. */
  request: string;
  runId: string;
  at: string;
}

/**
 * Run creation that a client may retry after a lost answer without starting a second run: the first
 * request with an `Idempotency-Key` starts the run and records key -> run in the Store (so it holds
 * across restarts); a later one with that key gets the same run, or 422 when its body differs.
 */
export class IdempotentStarts {
  constructor(private readonly store: Store) {}

  /**
   * Runs `start` unless `key` started a run already. Synchronous from lookup to record, so two
   * requests with one key in flight together cannot both start.
   */
  startOnce(
    key: string | undefined,
    request: unknown,
    start: () => { runId: string },
  ): { runId: string; replayed: boolean } {
    if (key === undefined) return { ...start(), replayed: false };
    checkKey(key);
    const fingerprint = createHash("sha256").update(canonicalJson(request)).digest("hex");
    const earlier = this.store.getSetting(PREFIX + key) as StoredStart | undefined;
    if (earlier) {
      if (earlier.request !== fingerprint)
        throw new LabflowError(
          "idempotency_key_reused",
          "this Idempotency-Key was sent before with another body: use a new key for a new run",
          { place: { field: IDEMPOTENCY_HEADER } },
        );
      return { runId: earlier.runId, replayed: true };
    }
    const { runId } = start();
    const record: StoredStart = { request: fingerprint, runId, at: new Date().toISOString() };
    this.store.putSetting(PREFIX + key, record);
    // Recorded before the answer leaves: a client retrying after a crash finds its run.
    this.store.flush();
    return { runId, replayed: false };
  }
}

function checkKey(key: string): void {
  if (!/^[\x21-\x7e]{1,255}$/.test(key))
    throw new LabflowError(
      "invalid_idempotency_key",
      "Idempotency-Key: give 1 to 255 printable ASCII characters without spaces (a UUID, say)",
      { place: { field: IDEMPOTENCY_HEADER } },
    );
}
