import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type AppEvent, AppEvents } from "../../../server/app-events.js";
import { JobDataTail } from "../../../server/devices/lab/data-tail.js";
import { EngineEvents } from "../../../server/engine/engine-events.js";
import type { JobRecord } from "../../../server/engine/records.js";
import { tempDir } from "../../helpers/temp-dir.js";

const line = (i: number) => `${JSON.stringify({ t: new Date(i * 100).toISOString(), temperature: i })}\n`;
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => line(from + k)).join("");

function tailOf(
  jobDir: string,
  options: { maxBytesPerEvent?: number; maxBytesPerPoll?: number; listening?: boolean } = {},
) {
  const { listening = true, ...limits } = options;
  const jobEvents = new EngineEvents();
  const events = new AppEvents(jobEvents);
  const data: Extract<AppEvent, { type: "job.data" }>[] = [];
  const listen = () =>
    events.on((event) => {
      if (event.type === "job.data") data.push(event);
    });
  if (listening) listen();
  // A long interval: the test polls by hand.
  const tail = new JobDataTail({ events, jobEvents, jobDir: () => jobDir, intervalMs: 3_600_000, ...limits });
  const job = { id: "job-1", runId: "run-1", moduleType: "instruments.Task", state: "running" } as JobRecord;
  return { tail, data, job, jobEvents, listen };
}

describe("the live data tail", () => {
  it("after a restart follows a job from the current end of its file, not from its first reading", () => {
    const jobDir = tempDir();
    mkdirSync(jobDir, { recursive: true });
    const file = join(jobDir, "data.ndjson");
    writeFileSync(file, lines(0, 5_000));
    const { tail, data, job } = tailOf(jobDir);
    try {
      tail.follow(job);
      tail.poll();
      expect(data).toEqual([]);
      const end = Buffer.byteLength(lines(0, 5_000));
      appendFileSync(file, lines(5_000, 5_002));
      tail.poll();
      expect(data).toHaveLength(1);
      expect(data[0]?.offset).toBe(end);
      expect(data[0]?.readings.map((r) => r.temperature)).toEqual([5_000, 5_001]);
    } finally {
      tail.close();
    }
  });

  it("reads at most maxBytesPerPoll of a backlog per poll, in order and without gaps over polls", () => {
    const jobDir = tempDir();
    const file = join(jobDir, "data.ndjson");
    writeFileSync(file, "");
    const { tail, data, job } = tailOf(jobDir, { maxBytesPerEvent: 4_096, maxBytesPerPoll: 16_384 });
    try {
      tail.follow(job);
      appendFileSync(file, lines(0, 3_000));
      tail.poll();
      const firstPoll = data.reduce((bytes, e) => bytes + e.nextOffset - e.offset, 0);
      expect(firstPoll).toBeLessThanOrEqual(16_384);
      expect(firstPoll).toBeGreaterThan(0);
      tail.follow({ ...job, state: "completed" });
      for (let i = 0; i < 100 && tail.followedCount > 0; i++) tail.poll();
      expect(tail.followedCount).toBe(0);
      for (let i = 1; i < data.length; i++) expect(data[i]?.offset).toBe(data[i - 1]?.nextOffset);
      expect(data.flatMap((e) => e.readings).map((r) => r.temperature)).toEqual(
        Array.from({ length: 3_000 }, (_, i) => i),
      );
    } finally {
      tail.close();
    }
  });
  it("follows a running job told by the engine, and reads none of its data while nobody listens", () => {
    const jobDir = tempDir();
    const file = join(jobDir, "data.ndjson");
    writeFileSync(file, "");
    const { tail, data, job, jobEvents, listen } = tailOf(jobDir, { listening: false });
    try {
      jobEvents.emit({ type: "job", job });
      expect(tail.followedCount).toBe(1);
      appendFileSync(file, lines(0, 100));
      tail.poll();
      expect(data).toEqual([]);
      // Someone listens from now on: what was written before is history (GET /api/jobs/:id/data),
      // what is written after comes as events, from the end of the file when they started.
      const from = Buffer.byteLength(lines(0, 100));
      const stop = listen();
      appendFileSync(file, lines(100, 103));
      tail.poll();
      expect(data.map((e) => e.offset)).toEqual([from]);
      expect(data.flatMap((e) => e.readings).map((r) => r.temperature)).toEqual([100, 101, 102]);
      stop();
    } finally {
      tail.close();
    }
  });
});
