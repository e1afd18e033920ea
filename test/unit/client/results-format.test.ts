import { describe, expect, it } from "vitest";
import { formatSize, isText, jobLogUrl, runFileUrl } from "../../../client/results/results-api.js";

describe("the Results panel's words and addresses", () => {
  it("tells sizes in B, kB and MB", () => {
    expect(formatSize(0)).toBe("0 B");
    expect(formatSize(999)).toBe("999 B");
    expect(formatSize(1500)).toBe("1.5 kB");
    expect(formatSize(25_000_000)).toBe("25 MB");
  });

  it("reads text, CSV and JSON in place, never archives or images", () => {
    expect(isText("text/plain; charset=utf-8")).toBe(true);
    expect(isText("text/csv; charset=utf-8")).toBe(true);
    expect(isText("application/json")).toBe(true);
    expect(isText("application/zip")).toBe(false);
    expect(isText("image/png")).toBe(false);
  });

  it("escapes a file's path in its download address", () => {
    expect(runFileUrl("run-1", "/data/runs/run-1/a b&c.csv")).toBe(
      "/api/runs/run-1/files?path=%2Fdata%2Fruns%2Frun-1%2Fa%20b%26c.csv",
    );
    expect(jobLogUrl("job-1", "stderr")).toBe("/api/jobs/job-1/log?stream=stderr&download=1");
  });
});
