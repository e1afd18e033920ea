import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_KEY_DAYS, IdempotentStarts } from "../../../server/app/idempotent-starts.js";
import { openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const DAY = 24 * 3600_000;

describe("Idempotency-Key memory", () => {
  it(`gives the same run for a key within ${IDEMPOTENCY_KEY_DAYS} days, and forgets keys older than that, across a reopen`, () => {
    const dataDir = tempDir();
    let now = Date.parse("2026-12-01T00:00:00Z");
    let started = 0;
    const start = () => ({ runId: `run-${++started}` });

    let store = openSqliteStore(dataDir);
    let starts = new IdempotentStarts(store, () => now);
    expect(starts.startOnce("old", { a: 1 }, start)).toEqual({ runId: "run-1", replayed: false });
    now += (IDEMPOTENCY_KEY_DAYS - 1) * DAY;
    expect(starts.startOnce("recent", { a: 2 }, start)).toEqual({ runId: "run-2", replayed: false });
    expect(starts.startOnce("old", { a: 1 }, start)).toEqual({ runId: "run-1", replayed: true });
    store.close();

    // Days later, in another server process: the first key is gone, the second is remembered.
    now += 2 * DAY;
    store = openSqliteStore(dataDir);
    starts = new IdempotentStarts(store, () => now);
    expect(starts.startOnce("recent", { a: 2 }, start)).toEqual({ runId: "run-2", replayed: true });
    expect(store.settingsWithPrefix("idempotency:").map(([key]) => key)).toEqual(["idempotency:recent"]);
    expect(starts.startOnce("old", { a: 3 }, start)).toEqual({ runId: "run-3", replayed: false });
    store.close();
  });

  it("reads only keys of its own prefix, whatever characters the prefix holds", () => {
    const store = openSqliteStore(tempDir());
    store.putSetting("a_b:1", 1);
    store.putSetting("axb:2", 2);
    store.putSetting("a_b", 3);
    expect(store.settingsWithPrefix("a_b:")).toEqual([["a_b:1", 1]]);
    store.close();
  });
});
