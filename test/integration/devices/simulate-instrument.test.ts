/** `labflow simulate-instrument` as a real process on a real pty: every line gets an answer. */
import { describe, expect, it } from "vitest";
import { LinePort } from "../../../server/devices/host/line-port.js";
import { labflow } from "../../helpers/labflow-cli.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { startSimulator } from "../../helpers/simulator-process.js";
import { waitUntil } from "../../helpers/wait-until.js";

describe("labflow simulate-instrument", () => {
  it("needs --port", async () => {
    const result = await labflow(["simulate-instrument"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("simulate-instrument needs --port PATH");
  });

  it("answers a bad command with an error line and logs acquisitions starting and stopping", async () => {
    const pty = await startPtyPair();
    const sim = await startSimulator(pty.simPath, "bench-top");
    const port = new LinePort({ path: pty.devPath });
    const lines: string[] = [];
    port.on("line", (line) => lines.push(line));
    await port.start();
    try {
      port.writeLines(["*IDN?", "HEAT 300", "ACQ:START 20 3"]);
      await waitUntil(() => lines.includes("DONE 3"), "the acquisition to finish");
      expect(lines.slice(0, 3)).toEqual([
        "LABFLOW,SIM-TC1,bench-top,1.0",
        'ERR -113 undefined header "HEAT"',
        "OK",
      ]);
      expect(lines.filter((line) => line.startsWith("DATA "))).toHaveLength(3);
      await sim.waitForOutput(/acquisition stopped \(count reached\) after 3 readings/);
      expect(sim.output()).toContain("acquisition started (interval 20 ms, 3 readings)");
    } finally {
      await port.close();
    }
  });
});
