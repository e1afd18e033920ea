import { describe, expect, it } from "vitest";
import {
  applyEvent,
  mergeFetched,
  RUN_KEY,
  type RunView,
  runEndNotice,
  toolbarRun,
  touchedBy,
} from "../../../client/editor/run/run-state.js";
import type { ServerMessage as EventMessage } from "../../../server/schema/messages.js";

const view = (): RunView => ({ runId: "r1", status: "running", modules: { a: { status: "running" } } });

describe("the watched run, folded from events", () => {
  it("applies module and run events of its own run only", () => {
    let v = applyEvent(view(), {
      type: "module",
      runId: "r1",
      moduleId: "a",
      status: "done",
      outputs: { x: 1 },
    });
    v = applyEvent(v, { type: "module", runId: "other", moduleId: "a", status: "failed" });
    v = applyEvent(v, { type: "run", runId: "r1", status: "completed" });
    expect(v.modules.a).toEqual({ status: "done", outputs: { x: 1 } });
    expect(v.status).toBe("completed");
  });

  it("shows a suspended job's progress from job events", () => {
    const job: EventMessage = {
      type: "job",
      job: {
        ...{ id: "j", runId: "r1", moduleId: "a", type: "jobs.Timer", moduleType: "jobs.Timer", letter: "r" },
        ...{ paused: false, intervalMs: null, submittedAt: "2026-01-01T10:00:00.000Z" },
        ...{ state: "running", progress: 0.4, message: "3 s left" },
      },
    };
    const v = applyEvent({ ...view(), modules: { a: { status: "suspended" } } }, job);
    expect(v.modules.a).toEqual({ status: "suspended", progress: 0.4, message: "3 s left" });
  });

  it("keeps a timer's progress clock from its job's events, and drops it once the job ended", () => {
    const progressClock = { startedAt: "2026-01-01T10:00:00.000Z", endsAt: "2026-01-01T11:00:00.000Z" };
    const timer = (state: "running" | "completed", clock?: typeof progressClock): EventMessage => ({
      type: "job",
      job: {
        ...{ id: "j", runId: "r1", moduleId: "a", type: "jobs.Timer", moduleType: "jobs.Timer", letter: "r" },
        ...{ paused: false, intervalMs: null, submittedAt: "2026-01-01T10:00:00.000Z" },
        ...{ state, progress: state === "running" ? 0 : 1, ...(clock ? { progressClock: clock } : {}) },
      },
    });
    let v = applyEvent(
      { ...view(), modules: { a: { status: "suspended" } } },
      timer("running", progressClock),
    );
    expect(v.modules.a?.progressClock).toEqual(progressClock);
    v = applyEvent(v, timer("completed"));
    expect(v.modules.a?.progressClock).toBeUndefined();
    expect(v.modules.a?.progress).toBe(1);
  });

  it("takes a snapshot's states for its run", () => {
    const v = applyEvent(view(), {
      type: "snapshot",
      runs: [
        {
          ...{
            id: "r1",
            workflowName: "w",
            createdAt: "2026-01-01T10:00:00.000Z",
            updatedAt: "2026-01-01T10:00:00.000Z",
          },
          ...{ status: "suspended", modules: { a: { status: "suspended", progress: 0.1 } } },
        },
      ],
      jobs: [],
    });
    expect(v.status).toBe("suspended");
    expect(v.modules.a?.progress).toBe(0.1);
  });

  it("keeps what events changed while a re-fetch was under way", () => {
    const fetched: RunView = {
      runId: "r1",
      status: "running",
      modules: { a: { status: "running" }, b: { status: "done" } },
    };
    const mine = applyEvent(view(), { type: "module", runId: "r1", moduleId: "a", status: "done" });
    const touched = new Set(
      touchedBy(view(), { type: "module", runId: "r1", moduleId: "a", status: "done" }),
    );
    const merged = mergeFetched(mine, fetched, touched);
    expect(merged.modules).toEqual({ a: { status: "done" }, b: { status: "done" } });
    expect(mergeFetched(mine, fetched, new Set([RUN_KEY])).modules.a).toEqual({ status: "running" });
  });

  it("takes the fetched state of a module whose job was only checked meanwhile, with the job's newer progress", () => {
    const stale: RunView = { runId: "r1", status: "running", modules: { c: { status: "running" } } };
    const job = {
      type: "job",
      job: { id: "j", runId: "r1", moduleId: "c", progress: 0.5, message: "half" },
    } as unknown as Parameters<typeof applyEvent>[1];
    const mine = applyEvent(stale, job);
    const fetched: RunView = { runId: "r1", status: "suspended", modules: { c: { status: "suspended" } } };
    const merged = mergeFetched(mine, fetched, new Set(touchedBy(stale, job)));
    expect(merged.modules.c).toEqual({ status: "suspended", progress: 0.5, message: "half" });
  });
});

describe("what the page says about the run", () => {
  const ended = (status: RunView["status"], message?: string): RunView => ({
    ...view(),
    status,
    ...(message ? { message } : {}),
  });

  it("tells the end of the run once, when it goes from running to finished", () => {
    expect(runEndNotice(view(), ended("completed"))).toEqual({ kind: "info", text: "Run r1 completed" });
    expect(runEndNotice(view(), ended("failed", "boom"))).toEqual({
      kind: "error",
      text: "Run r1 failed: boom",
    });
    expect(runEndNotice(ended("completed"), ended("completed"))).toBeUndefined();
    expect(runEndNotice(undefined, ended("cancelled"))).toBeUndefined();
    expect(runEndNotice(view(), { ...ended("completed"), runId: "r2" })).toBeUndefined();
  });

  it("shows no finished run of another workflow in the toolbar, but a run still going", () => {
    const cancelled = { ...ended("cancelled"), workflowName: "timed-demo" };
    expect(toolbarRun(cancelled, "timed-demo")).toBe(cancelled);
    expect(toolbarRun(cancelled, "untitled")).toBeUndefined();
    const going = { ...view(), workflowName: "timed-demo" };
    expect(toolbarRun(going, "untitled")).toBe(going);
  });
});
