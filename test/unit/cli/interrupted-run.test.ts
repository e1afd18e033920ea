import { describe, expect, it } from "vitest";
import { findInterruptedRun } from "../../../server/cli/interrupted-run.js";
import type { RunRecord } from "../../../server/engine/records.js";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { testRuntime } from "../../helpers/runtime.js";
import { workflow } from "../../helpers/workflow-builder.js";

const sum = () =>
  workflow("sum")
    .module("a", "basic.Constant", { value: 2 })
    .module("s", "basic.Add")
    .connect("a.value", "s.a")
    .connect("a.value", "s.b");

function unfinishedRun(id: string, createdAt: string, document: unknown): RunRecord {
  return {
    id,
    document: document as WorkflowDocument,
    status: "suspended",
    options: { autoResume: true },
    createdAt,
    updatedAt: createdAt,
  };
}

/** The same object with its keys written in the reverse order, at every depth. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, v]) => [key, reversedKeys(v)]),
  );
}

describe("finding the run an interrupted labflow run left", () => {
  it("matches the same document whatever the order of its keys", async () => {
    const { engine } = await testRuntime();
    const runs = [unfinishedRun("run-1", "2026-01-01T00:00:00.000Z", sum().build())];
    expect(findInterruptedRun(engine, runs, reversedKeys(sum().build()))?.id).toBe("run-1");
  });

  it("ignores a run of a changed document", async () => {
    const { engine } = await testRuntime();
    const runs = [unfinishedRun("run-1", "2026-01-01T00:00:00.000Z", sum().build())];
    const changed = sum().module("c", "basic.Constant", { value: 3 }).build();
    expect(findInterruptedRun(engine, runs, changed)).toBeUndefined();
  });

  it("picks the oldest of several runs of the document", async () => {
    const { engine } = await testRuntime();
    const runs = [
      unfinishedRun("run-new", "2026-01-02T00:00:00.000Z", sum().build()),
      unfinishedRun("run-old", "2026-01-01T00:00:00.000Z", sum().build()),
    ];
    expect(findInterruptedRun(engine, runs, sum().build())?.id).toBe("run-old");
  });

  it("refuses an invalid document with the engine's error", async () => {
    const { engine } = await testRuntime();
    const runs = [unfinishedRun("run-1", "2026-01-01T00:00:00.000Z", sum().build())];
    expect(() => findInterruptedRun(engine, runs, { version: 1, modules: "nope" })).toThrow(
      expect.objectContaining({ name: "EngineError" }),
    );
  });
});
