import { createHash } from "node:crypto";
import { canonicalJson } from "../engine/canonical-json.js";
import type { Store } from "../engine/store.js";
import { LabflowError } from "../schema/errors.js";

/** The header a client sends to make `POST /api/runs` safe to retry. */
export const IDEMPOTENCY_HEADER = "idempotency-key";

/** Keys are kept in the Store's key-value table (no migration), under this prefix. */
const PREFIX = "idempotency:";

/** How long a key is remembered: far longer than any client retries a lost answer. */
export const IDEMPOTENCY_KEY_DAYS = 7;
const KEEP_MS = IDEMPOTENCY_KEY_DAYS * 24 * 3600_000;
/** Forgetting old keys reads them all: done at most this often. */
const PRUNE_EVERY_MS = 3600_000;

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
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

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
    this.forgetOldKeys();
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
    const record: StoredStart = { request: fingerprint, runId, at: new Date(this.clock()).toISOString() };
    this.store.putSetting(PREFIX + key, record);
    // Recorded before the answer leaves: a client retrying after a crash finds its run.
    this.store.flush();
    return { runId, replayed: false };
  }

  /** Keys older than IDEMPOTENCY_KEY_DAYS go, so that a server running for months keeps few. */
  private forgetOldKeys(): void {
    const now = this.clock();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    for (const [key, value] of this.store.settingsWithPrefix(PREFIX)) {
      const at = Date.parse((value as Partial<StoredStart>)?.at ?? "");
      if (!(now - at < KEEP_MS)) this.store.deleteSetting(key);
    }
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
