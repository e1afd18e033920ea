/**
 * A driver host is started by the server but is not the server: it gets the same short allow-list
 * of variables as a job's command, never the server's secrets (a cluster key, cloud keys).
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { DriverClient } from "../../../server/devices/lab/driver-client.js";
import { driverHostPaths } from "../../../server/devices/protocol/driver-host-paths.js";
import { type Lab, startLab } from "../../helpers/instrument-lab.js";
import { waitUntil } from "../../helpers/wait-until.js";

const SECRET = "driver-must-not-see-4b1d";
const labs: Lab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.cleanup();
});

describe("a driver host's environment", () => {
  it("holds none of the server's secrets, only the allowed variables", async () => {
    const lab = await startLab(["furnace"]);
    labs.push(lab);
    lab.writeDevices([{ name: "p1", roles: { sensor: { device: "furnace" } } }]);
    await lab.serve({ LABFLOW_SECRET_KEY: SECRET, AWS_SECRET_ACCESS_KEY: SECRET, LC_NUMERIC: "C" });

    const socket = driverHostPaths(lab.dataDir, "labflow-sim").socket;
    const client = await waitUntil(
      () => DriverClient.connect(socket, { timeoutMs: 1000 }).catch(() => undefined),
      "the driver host to answer",
    );
    const { pid } = await client.hello();
    client.close();
    const environment = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
    const names = environment.map((entry) => entry.slice(0, entry.indexOf("=")));

    expect(environment.join("\n")).not.toContain(SECRET);
    expect(names).not.toContain("LABFLOW_TOKEN");
    expect(names).toContain("PATH");
    expect(names).toContain("LC_NUMERIC");
  }, 120_000);
});
