import { afterEach, describe, expect, it } from "vitest";
import type { InstrumentRequest } from "../../../modules/sdk/instruments.js";
import type { InstrumentCatalog } from "../../../server/devices/lab/pipeline-matching.js";
import { PipelineService } from "../../../server/devices/lab/pipelines.js";
import type { JobState } from "../../../server/engine/records.js";
import { PipelineStore } from "../../../server/store/pipeline-store.js";
import { openSqliteStore } from "../../../server/store/sqlite-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** Two pipelines: p1's sensor can only acquire, p2's can also ramp. */
const catalog: InstrumentCatalog = {
  pipelines: [
    { name: "p1", roles: { sensor: { device: "d1", channel: "1" } } },
    { name: "p2", roles: { sensor: { device: "d2", channel: "1" }, heater: { device: "d2", channel: "2" } } },
  ],
  techniquesOf: (device) => ({ d1: ["acquire"], d2: ["acquire", "ramp"] })[device],
  driverOf: () => undefined,
};

const acquire = (extra: Partial<InstrumentRequest> = {}): InstrumentRequest => ({
  role: "sensor",
  technique: "acquire",
  ...extra,
});

const opened: PipelineStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

/** A service over a real data folder (SQLite on disk); `jobs` plays the job table. */
function lab(dataDir = tempDir(), jobs = new Map<string, JobState>()) {
  openSqliteStore(dataDir).close(); // the engine's store creates and migrates the file first, as in a server
  const store = PipelineStore.open(dataDir);
  opened.push(store);
  const service = new PipelineService(catalog, store, (id) => jobs.get(id) ?? "running");
  return { dataDir, jobs, service, store };
}

function readyWith(service: PipelineService, pipeline: string, sample: string) {
  service.load(pipeline, sample);
  service.ready(pipeline);
}

describe("pipelines and samples (tomato's rules)", () => {
  it("refuses to load a sample into a full pipeline, naming the sample there", () => {
    const { service } = lab();
    service.load("p1", "S1");
    expect(() => service.load("p1", "S2")).toThrow('pipeline "p1" already holds sample "S1": eject it first');
    expect(service.get("p1").sample).toBe("S1");
  });

  it("refuses to mark a pipeline ready without a sample", () => {
    const { service } = lab();
    expect(() => service.ready("p1")).toThrow('pipeline "p1" holds no sample: load one first');
  });

  it("refuses eject and ready while a job holds the pipeline, and allows both once it is released", () => {
    const { service } = lab();
    readyWith(service, "p1", "S1");
    expect(service.claim("job-a", acquire({ pipeline: "p1" })).status).toBe("claimed");
    expect(() => service.eject("p1")).toThrow('pipeline "p1" is held by job job-a: cannot eject its sample');
    expect(() => service.ready("p1")).toThrow('pipeline "p1" is held by job job-a: cannot mark it ready');
    service.release("job-a", "completed", false);
    expect(service.ready("p1").ready).toBe(true);
    expect(service.eject("p1")).toMatchObject({ ready: false });
    expect(service.get("p1").sample).toBeUndefined();
  });

  it("keeps a job waiting (saying why, pipeline by pipeline) until a pipeline holds its sample and is ready", () => {
    const { service } = lab();
    service.load("p1", "other");
    const waiting = service.claim("job-a", acquire({ sample: "S1" }));
    expect(waiting).toMatchObject({ status: "waiting" });
    expect(waiting.status === "waiting" && waiting.reason).toContain('p1 holds sample "other", not "S1"');
    expect(waiting.status === "waiting" && waiting.reason).toContain("p2 holds no sample");

    service.load("p2", "S1");
    expect(service.claim("job-a", acquire({ sample: "S1" }))).toMatchObject({ status: "waiting" });
    service.ready("p2");
    expect(service.claim("job-a", acquire({ sample: "S1" }))).toEqual({
      status: "claimed",
      pipeline: "p2",
      device: "d2",
      channel: "1",
      sample: "S1",
    });
    expect(service.get("p2")).toMatchObject({ jobId: "job-a", ready: false, sample: "S1" });
  });

  it("gives the same job the same claim again, also after a restart of the server", () => {
    const first = lab();
    readyWith(first.service, "p1", "S1");
    const claim = first.service.claim("job-a", acquire());
    first.store.close();

    const restarted = lab(first.dataDir);
    expect(restarted.service.claim("job-a", acquire())).toEqual(claim);
    expect(restarted.service.get("p1")).toMatchObject({ sample: "S1", jobId: "job-a", ready: false });
  });

  it("re-readies the pipeline after a completed job only when the job asks for it", () => {
    const { service } = lab();
    readyWith(service, "p1", "S1");
    service.claim("job-a", acquire({ pipeline: "p1" }));
    service.release("job-a", "completed", true);
    expect(service.get("p1")).toMatchObject({ ready: true, sample: "S1" });
    expect(service.get("p1").jobId).toBeUndefined();

    service.claim("job-b", acquire({ pipeline: "p1" }));
    service.release("job-b", "completed", false);
    expect(service.get("p1").ready).toBe(false);
  });

  it.each(["failed", "cancelled"] as const)("never re-readies the pipeline after a %s job", (outcome) => {
    const { service } = lab();
    readyWith(service, "p1", "S1");
    service.claim("job-a", acquire({ pipeline: "p1" }));
    service.release("job-a", outcome, true);
    expect(service.get("p1")).toMatchObject({ ready: false, sample: "S1" });
    expect(service.get("p1").jobId).toBeUndefined();
  });

  it("serves waiting jobs in the order they asked", () => {
    const { service } = lab();
    expect(service.claim("job-old", acquire({ pipeline: "p1" })).status).toBe("waiting");
    expect(service.claim("job-new", acquire({ pipeline: "p1" })).status).toBe("waiting");
    readyWith(service, "p1", "S1");
    const second = service.claim("job-new", acquire({ pipeline: "p1" }));
    expect(second.status === "waiting" && second.reason).toContain("goes first to job job-old");
    expect(service.claim("job-old", acquire({ pipeline: "p1" })).status).toBe("claimed");
  });

  it("frees the pipeline of a job that ended without releasing it, and does not re-ready it", () => {
    const { service, jobs } = lab();
    readyWith(service, "p1", "S1");
    service.claim("job-a", acquire({ pipeline: "p1" }));
    jobs.set("job-a", "failed"); // e.g. five failed checks in a row
    expect(service.status().find((p) => p.name === "p1")).toMatchObject({ ready: false, sample: "S1" });
    expect(service.get("p1").jobId).toBeUndefined();
  });

  it.each([
    [acquire({ pipeline: "nope" }), 'no pipeline "nope" in the devices file (pipelines: p1, p2)'],
    [acquire({ role: "stirrer" }), 'no pipeline has a role "stirrer" (roles declared: sensor, heater)'],
    [
      acquire({ technique: "ramp", pipeline: "p1" }),
      `no pipeline's "sensor" can do "ramp" (p1: device "d1" can acquire)`,
    ],
  ])(
    "answers at once that a request no pipeline could ever serve is impossible, naming why",
    (request, reason) => {
      const { service } = lab();
      expect(service.claim("job-x", request)).toEqual({ status: "impossible", reason });
    },
  );

  it("keeps samples and ready flags across a restart", () => {
    const first = lab();
    readyWith(first.service, "p2", "S9");
    first.store.close();
    expect(lab(first.dataDir).service.get("p2")).toMatchObject({ sample: "S9", ready: true });
  });

  it("names the pipeline when it is not in the devices file", () => {
    const { service } = lab();
    expect(() => service.load("p3", "S1")).toThrow(
      'no pipeline "p3" in the devices file (pipelines: p1, p2)',
    );
  });
});
