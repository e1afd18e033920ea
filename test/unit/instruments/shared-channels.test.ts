import { afterEach, describe, expect, it } from "vitest";
import type { InstrumentCatalog } from "../../../server/devices/lab/pipeline-matching.js";
import { PipelineService } from "../../../server/devices/lab/pipelines.js";
import { PipelineStore } from "../../../server/store/pipeline-store.js";
import { openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** Two cells with their own heater and a common detector (device det, channel 1). */
const catalog: InstrumentCatalog = {
  pipelines: [
    {
      name: "cell-a",
      roles: { heater: { device: "ha", channel: "1" }, detector: { device: "det", channel: "1" } },
    },
    {
      name: "cell-b",
      roles: { heater: { device: "hb", channel: "1" }, detector: { device: "det", channel: "1" } },
    },
  ],
  techniquesOf: () => ["acquire"],
  driverOf: () => undefined,
};

const opened: PipelineStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

function lab() {
  const dataDir = tempDir();
  openSqliteStore(dataDir).close();
  const store = PipelineStore.open(dataDir);
  opened.push(store);
  const service = new PipelineService(catalog, store, () => "running");
  for (const name of ["cell-a", "cell-b"]) {
    service.load(name, `S-${name}`);
    service.ready(name);
  }
  return service;
}

const detect = (pipeline: string) => ({ role: "detector", technique: "acquire", pipeline });

describe("pipelines sharing a device channel", () => {
  it("keeps a job in qw, naming the other job, while its free pipeline's shared channel is in use", () => {
    const service = lab();
    expect(service.claim("job-1", detect("cell-a")).status).toBe("claimed");
    const waiting = service.claim("job-2", detect("cell-b"));
    expect(waiting).toEqual({
      status: "waiting",
      reason: expect.stringContaining(
        'cell-b shares device "det" channel "1" with pipeline cell-a, in use by job job-1',
      ),
    });
    service.release("job-1", "completed", false);
    expect(service.claim("job-2", detect("cell-b"))).toMatchObject({ status: "claimed", pipeline: "cell-b" });
  });

  it("serves waiting jobs first come, first served across the pipelines that share the channel", () => {
    const service = lab();
    service.claim("job-1", detect("cell-a"));
    expect(service.claim("job-2", detect("cell-b")).status).toBe("waiting");
    service.release("job-1", "failed", false);
    service.ready("cell-a");
    // job-3 asks after job-2: cell-a is free, but the channel it shares goes to job-2 first.
    const third = service.claim("job-3", detect("cell-a"));
    expect(third).toEqual({
      status: "waiting",
      reason: expect.stringContaining("goes first to job job-2, which asked earlier"),
    });
    expect(service.claim("job-2", detect("cell-b")).status).toBe("claimed");
    expect(service.claim("job-3", detect("cell-a"))).toMatchObject({ status: "waiting" });
  });
});
