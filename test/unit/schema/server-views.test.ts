/**
 * What the server sends fits the wire contract: the client parses every answer and message with
 * the contract's schemas and skips what does not fit, so a view the server builds off the contract
 * would be lost in the browser. Runs real work (compute modules, a failure, a job) and parses the
 * snapshot, the run views and every event as the WebSocket sends it.
 */
import { describe, expect, it } from "vitest";
import { eventMessage, jobView, runDetail } from "../../../server/app/views.js";
import { buildSnapshot } from "../../../server/http/events/snapshot.js";
import { ServerMessage, SnapshotMessage } from "../../../server/schema/messages.js";
import { JobView, RunDetail, RunsAnswer } from "../../../server/schema/views.js";
import { testRuntime } from "../../helpers/runtime.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { workflow } from "../../helpers/workflow-builder.js";

/** The value as it crosses the wire. */
const wire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("the server's views and messages fit the contract", () => {
  it("for runs that complete, fail and wait on a job", async () => {
    const runtime = await testRuntime({ globalInterval: 100 });
    const messages: unknown[] = [];
    runtime.events.on((event) => messages.push(wire(eventMessage(event))));

    const done = runtime.engine.startRun(
      workflow("ok")
        .module("a", "test.Number", { value: 2 })
        .module("b", "test.Inc")
        .connect("a.value", "b.x")
        .build(),
    ).runId;
    const failed = runtime.engine.startRun(workflow("bad").module("f", "test.Fail").build()).runId;
    const waiting = runtime.engine.startRun(
      workflow("timer").module("t", "jobs.Timer", { seconds: 60 }).build(),
    ).runId;
    expect(await runtime.engine.waitForRun(done)).toBe("completed");
    expect(await runtime.engine.waitForRun(failed)).toBe("failed");
    const job = await waitUntil(
      () => runtime.monitor.list({ runId: waiting })[0]?.lastCheckedAt,
      "a checked job",
    );
    expect(job).toBeDefined();

    expect(() => SnapshotMessage.parse(wire(buildSnapshot(runtime)))).not.toThrow();
    expect(() => RunsAnswer.parse(wire({ runs: runtime.engine.listRuns() }))).not.toThrow();
    for (const id of [done, failed, waiting])
      expect(() => RunDetail.parse(wire(runDetail(runtime.engine.getRun(id))))).not.toThrow();
    for (const record of runtime.monitor.list({}))
      expect(() => JobView.parse(wire(jobView(record)))).not.toThrow();

    const types = new Set<string>();
    for (const message of messages) {
      const parsed = ServerMessage.safeParse(message);
      expect(parsed.error?.issues ?? []).toEqual([]);
      if (parsed.success) types.add(parsed.data.type);
    }
    expect([...types]).toEqual(expect.arrayContaining(["job", "module", "run"]));
  });
});
