import { describe, expect, it } from "vitest";
import { DevicesFileError, parseDevicesText } from "../../../server/devices/lab/devices-file.js";

const lab = (pipelines: string) => `devices:
  - { name: counter, driver: labflow-sim, address: /dev/ttyUSB0, channels: [1, 2, 3] }
  - { name: furnace, driver: labflow-sim, address: /dev/ttyUSB1 }
pipelines:
${pipelines}`;

function problems(text: string): string[] {
  try {
    parseDevicesText(text, "devices.yaml");
  } catch (error) {
    if (error instanceof DevicesFileError) return error.problems;
    throw error;
  }
  throw new Error("expected the devices file to be refused");
}

describe("pipeline templates (tomato's pip-*)", () => {
  it("expands a template into one pipeline per channel, named after the channel", () => {
    const config = parseDevicesText(
      lab(`  - name: pip-counter-*
    roles:
      counter: { device: counter, channel: each }
      heater: { device: furnace }
`),
    );
    expect(config.pipelines.map((p) => p.name)).toEqual(["pip-counter-1", "pip-counter-2", "pip-counter-3"]);
    expect(config.pipelines[1]?.roles).toEqual({
      counter: { device: "counter", channel: "2" },
      heater: { device: "furnace", channel: "1" },
    });
  });

  it("refuses a template without a role on `each`, and `each` outside a template", () => {
    expect(problems(lab("  - { name: pip-*, roles: { counter: { device: counter } } }\n"))[0]).toMatch(
      /pipelines\[0\] "pip-\*": a template .* needs a role with channel "each"/,
    );
    expect(
      problems(lab("  - { name: pip, roles: { counter: { device: counter, channel: each } } }\n"))[0],
    ).toMatch(/role "counter" has channel "each", which only a template/);
  });

  it("refuses an expanded name that another pipeline already has", () => {
    expect(
      problems(
        lab(`  - { name: pip-*, roles: { counter: { device: counter, channel: each } } }
  - { name: pip-2, roles: { heater: { device: furnace } } }
`),
      ),
    ).toEqual([expect.stringMatching(/"pip-2": name "pip-2" is declared twice/)]);
  });
});
