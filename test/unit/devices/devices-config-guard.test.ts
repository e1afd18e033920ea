import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ACCEPTED_CONFIG_NAME,
  guardDevicesConfig,
} from "../../../server/devices/lab/devices-config-guard.js";
import { parseDevicesText } from "../../../server/devices/lab/devices-file.js";
import type { JobState } from "../../../server/engine/records.js";
import type { ClaimRecord } from "../../../server/store/pipeline-store.js";
import { tempDir } from "../../helpers/temp-dir.js";

const file = (address: string, extra = "") =>
  parseDevicesText(
    `devices:
  - { name: furnace, driver: labflow-sim, address: ${address} }
  - { name: bath, driver: labflow-sim, address: /dev/ttyUSB9 }
pipelines:
  - { name: p1, roles: { heater: { device: furnace } } }
${extra}`,
    "devices.yaml",
  );

const held: ClaimRecord = {
  jobId: "job-1",
  request: { role: "heater", technique: "acquire" },
  state: "claimed",
  seq: 1,
  since: "2026-12-06T00:00:00Z",
  pipeline: "p1",
  device: "furnace",
  channel: "1",
  updatedAt: "2026-12-06T00:00:00Z",
};

describe("devices file guard", () => {
  it("accepts the first file and keeps it; refuses a file changing a device the held pipeline uses", () => {
    const dataDir = tempDir();
    const running = (): JobState => "running";
    expect(guardDevicesConfig(dataDir, file("/dev/ttyUSB0"), [held], running).refused).toBeUndefined();
    expect(existsSync(join(dataDir, ACCEPTED_CONFIG_NAME))).toBe(true);
    const changed = guardDevicesConfig(dataDir, file("/dev/ttyUSB1"), [held], running);
    expect(changed.refused).toContain('it changes device "furnace" of pipeline "p1" (job job-1 holds it)');
    expect(changed.config.devices[0]?.address).toBe("/dev/ttyUSB0");
  });

  it("accepts changes elsewhere, and any change once the job has ended", () => {
    const dataDir = tempDir();
    guardDevicesConfig(dataDir, file("/dev/ttyUSB0"), [held], () => "running");
    const more = file("/dev/ttyUSB0", "  - { name: p2, roles: { cooler: { device: bath } } }\n");
    expect(guardDevicesConfig(dataDir, more, [held], () => "running").refused).toBeUndefined();
    expect(
      guardDevicesConfig(dataDir, file("/dev/ttyUSB1"), [held], () => "completed").refused,
    ).toBeUndefined();
  });
});
