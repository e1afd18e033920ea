import { describe, expect, it } from "vitest";
import { EngineEvents } from "../../../server/engine/engine-events.js";
import type { JobRecord } from "../../../server/engine/records.js";

const job = { id: "job-1", runId: "run-1", moduleId: "t", moduleType: "instruments.Task" } as JobRecord;

describe("the engine's bus", () => {
  it("tells a listener to jobs alone of jobs, without making module events wanted", () => {
    const events = new EngineEvents();
    const heard: string[] = [];
    const stop = events.onJob((j) => heard.push(j.id));
    expect(events.hasListeners).toBe(false);
    expect(events.hasJobListeners).toBe(true);
    events.emit({ type: "module", runId: "run-1", moduleId: "t", status: "running" });
    events.emit({ type: "job", job });
    expect(heard).toEqual(["job-1"]);
    stop();
    expect(events.hasJobListeners).toBe(false);
  });

  it("keeps telling the others when a job listener throws", () => {
    const events = new EngineEvents();
    const heard: string[] = [];
    events.onJob(() => {
      throw new Error("broken");
    });
    events.onJob((j) => heard.push(j.id));
    const quiet = console.error;
    console.error = () => {};
    try {
      events.emit({ type: "job", job });
    } finally {
      console.error = quiet;
    }
    expect(heard).toEqual(["job-1"]);
  });
});
