import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AppEvent } from "../../../server/app-events.js";
import { openRuntime } from "../../../server/labflow-runtime.js";
import type { PipelineStatusView } from "../../../server/schema/pipelines-api.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** A data folder with a devices file (one simulated device, one pipeline); no driver is started. */
function labFolder(): string {
  const dataDir = tempDir();
  writeFileSync(
    join(dataDir, "devices.json"),
    JSON.stringify({
      devices: [
        { name: "furnace", driver: "labflow-sim", address: "/dev/labflow-test-none", channels: ["1"] },
      ],
      pipelines: [{ name: "p1", roles: { sensor: { device: "furnace", channel: "1" } } }],
    }),
  );
  return dataDir;
}

describe("pipeline events", () => {
  it("tells listeners of every change: load, ready, claim, release, eject; nothing for a refusal", async () => {
    const runtime = await openRuntime({ dataDir: labFolder() });
    try {
      const seen: PipelineStatusView[] = [];
      runtime.events.on((event: AppEvent) => {
        if (event.type === "pipeline") seen.push(event.pipeline);
      });
      const pipelines = runtime.instruments?.pipelines;
      if (!pipelines) throw new Error("no instruments");
      pipelines.load("p1", "S1");
      expect(() => pipelines.load("p1", "S2")).toThrow(/already holds/);
      pipelines.ready("p1");
      expect(pipelines.claim("job-a", { role: "sensor", technique: "acquire" }).status).toBe("claimed");
      pipelines.release("job-a", "completed", true);
      pipelines.ready("p1", false);
      pipelines.eject("p1");
      expect(seen.map((p) => [p.sample ?? "-", p.ready, p.jobId ?? "-"])).toEqual([
        ["S1", false, "-"],
        ["S1", true, "-"],
        ["S1", false, "job-a"],
        ["S1", true, "-"],
        ["S1", false, "-"],
        ["-", false, "-"],
      ]);
      expect(seen[0]).toMatchObject({ name: "p1", roles: { sensor: { device: "furnace", channel: "1" } } });
    } finally {
      runtime.close();
    }
  });
});
