import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import task from "../../../modules/instruments/task.js";
import { countReadings, decimatedReadings } from "../../../modules/sdk/instrument-data.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** A finished job's folder (runs/<run>/jobs/<job>) whose data file holds `n` readings at 10 Hz. */
function jobWithReadings(n: number): string {
  const runDir = tempDir();
  const jobDir = join(runDir, "jobs", "job-1");
  mkdirSync(jobDir, { recursive: true });
  writeFileSync(join(runDir, "workflow.json"), '{"name":"doc"}\n');
  writeFileSync(join(jobDir, "job.log"), "claimed pipeline p1\n");
  writeFileSync(
    join(jobDir, "data.meta.json"),
    JSON.stringify({
      columns: [{ name: "t" }, { name: "temperature", unit: "°C" }, { name: "setpoint", unit: "°C" }],
    }),
  );
  const fd = openSync(join(jobDir, "data.ndjson"), "w");
  const t0 = Date.parse("2026-11-23T00:00:00Z");
  let text = "";
  for (let i = 0; i < n; i++) {
    text += `${JSON.stringify({ t: new Date(t0 + i * 100).toISOString(), temperature: i, setpoint: 35 })}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = "";
    }
  }
  writeSync(fd, text);
  // A reading being written when the job ended (no newline yet) is not part of the results.
  writeSync(fd, '{"t":"2026-11-23T');
  closeSync(fd);
  return jobDir;
}

const params = {
  request: { role: "sensor", technique: "acquire" },
  taskParams: {},
  durationMs: 1000,
  samplingMs: 100,
  reReady: false,
};

describe("instruments.Task results", () => {
  it("outputs every reading as a CSV file with units, a preview of at most 1,000 rows and the count", async () => {
    const n = 25_000;
    const jobDir = jobWithReadings(n);
    const env = { jobId: "job-1", jobDir };
    const lifecycle = task.job;
    if (!lifecycle?.finish) throw new Error("instruments.Task has no finish");
    await lifecycle.finish(params, env);
    const outputs = (await lifecycle.setResults(params, env)) as {
      data: string;
      preview: { columns: { name: string; unit?: string }[]; rows: unknown[][] };
      readings: number;
      archive: string;
    };
    expect(outputs.readings).toBe(n);
    const csv = readFileSync(outputs.data, "utf8").trimEnd().split("\n");
    expect(csv[0]).toBe("t,temperature (°C),setpoint (°C)");
    expect(csv).toHaveLength(n + 1);
    expect(csv[n]).toBe(
      `${new Date(Date.parse("2026-11-23T00:00:00Z") + (n - 1) * 100).toISOString()},${n - 1},35`,
    );
    expect(outputs.preview.columns).toEqual([
      { name: "t", unit: "ISO 8601 UTC" },
      { name: "temperature", unit: "°C" },
      { name: "setpoint", unit: "°C" },
    ]);
    expect(outputs.preview.rows).toHaveLength(1_000);
    expect(outputs.preview.rows[0]?.[1]).toBe(0);
    expect(outputs.preview.rows[999]?.[1]).toBe(n - 1);

    const files = unzipSync(readFileSync(outputs.archive));
    expect(Object.keys(files).sort()).toEqual(["data.csv", "data.json", "job.log", "workflow.json"]);
    expect(new TextDecoder().decode(files["data.csv"])).toBe(readFileSync(outputs.data, "utf8"));
    const json = JSON.parse(new TextDecoder().decode(files["data.json"])) as {
      units: Record<string, string>;
      quantities: string[];
      readings: { t: string; temperature: number }[];
      request: { role: string };
    };
    expect(json.units).toEqual({ temperature: "°C", setpoint: "°C" });
    expect(json.quantities).toEqual(["temperature", "setpoint"]);
    expect(json.request.role).toBe("sensor");
    expect(json.readings).toHaveLength(n);
    expect(json.readings[n - 1]?.temperature).toBe(n - 1);
    expect(new TextDecoder().decode(files["workflow.json"])).toBe('{"name":"doc"}\n');
  });

  it("writes the results of an empty acquisition", async () => {
    const jobDir = jobWithReadings(0);
    const env = { jobId: "job-1", jobDir };
    await task.job?.finish?.(params, env);
    const outputs = (await task.job?.setResults(params, env)) as {
      data: string;
      readings: number;
      archive: string;
    };
    expect(outputs.readings).toBe(0);
    expect(readFileSync(outputs.data, "utf8")).toBe("t\n");
    const json = JSON.parse(new TextDecoder().decode(unzipSync(readFileSync(outputs.archive))["data.json"]));
    expect(json.readings).toEqual([]);
  });

  it("decimates evenly, counts incrementally and leaves a torn last line for later", async () => {
    const jobDir = jobWithReadings(10);
    const file = join(jobDir, "data.ndjson");
    const all = await decimatedReadings(file, 0, 100);
    expect(all.decimated).toBe(false);
    expect(all.readings.map((r) => r.temperature)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const some = await decimatedReadings(file, 0, 4);
    expect(some.decimated).toBe(true);
    expect(some.readings.map((r) => r.temperature)).toEqual([0, 3, 6, 9]);
    expect(some.nextOffset).toBe(all.nextOffset);
    expect(countReadings(file)).toBe(10);
    writeFileSync(file, '00:00:01.000Z","temperature":10}\n', { flag: "a" });
    expect(countReadings(file)).toBe(11);
  });
});
