import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DevicesFileError,
  findDevicesFile,
  loadDevicesFile,
  parseDevicesText,
  pipelineCapabilities,
} from "../../../server/devices/lab/devices-file.js";
import { tempDir } from "../../helpers/temp-dir.js";

const yaml = `devices:
  - name: furnace
    driver: labflow-sim
    address: /dev/ttyUSB0
  - name: bath
    driver: labflow-sim
    address: /dev/ttyUSB1
    channels: [1, 2]
    pollMs: 250
    settings: { baudRate: 9600 }
pipelines:
  - name: p1
    roles:
      heater: { device: furnace }
      cooler: { device: bath, channel: 2 }
`;

function problems(text: string, format: "json" | "yaml" = "yaml"): string[] {
  try {
    parseDevicesText(text, "devices.yaml", format);
  } catch (error) {
    if (error instanceof DevicesFileError) return error.problems;
    throw error;
  }
  throw new Error("expected the devices file to be refused");
}

describe("devices file", () => {
  it("reads YAML with defaults for channels, pollMs, settings and a role's channel", () => {
    const config = parseDevicesText(yaml);
    expect(config.devices[0]).toMatchObject({ name: "furnace", channels: ["1"], pollMs: 1000, settings: {} });
    expect(config.devices[1]).toMatchObject({
      channels: ["1", "2"],
      pollMs: 250,
      settings: { baudRate: 9600 },
    });
    expect(config.pipelines[0]!.roles).toEqual({
      heater: { device: "furnace", channel: "1" },
      cooler: { device: "bath", channel: "2" },
    });
  });

  it("names the entry, the field and the line of an unknown driver", () => {
    expect(
      problems(
        yaml.replace(
          "driver: labflow-sim\n    address: /dev/ttyUSB1",
          "driver: xyz\n    address: /dev/ttyUSB1",
        ),
      ),
    ).toEqual(['devices[1] "bath": driver "xyz" is not known (known: labflow-sim) (line 6)']);
  });

  it("names the pipeline and role that point at an undeclared device or channel", () => {
    const bad = yaml
      .replace("heater: { device: furnace }", "heater: { device: oven }")
      .replace("channel: 2", "channel: 7");
    expect(problems(bad)).toEqual([
      'pipelines[0] "p1": role "heater" names device "oven" that is not declared (line 14)',
      'pipelines[0] "p1": role "cooler" names channel "7" that device "bath" does not have (channels: 1, 2) (line 15)',
    ]);
  });

  it("names the field a schema check refused, and refuses unknown keys", () => {
    const bad = { devices: [{ name: "furnace", driver: "labflow-sim", address: "", colour: "red" }] };
    const found = problems(JSON.stringify(bad, null, 2), "json");
    expect(found).toContainEqual(expect.stringMatching(/^devices\[0\] "furnace": address: .*\(line 6\)$/));
    expect(found).toContainEqual(
      expect.stringMatching(/^devices\[0\] "furnace": Unrecognized key: "colour"/),
    );
  });

  it("refuses a port used by two devices and a name declared twice", () => {
    const text = JSON.stringify({
      devices: [
        { name: "a", driver: "labflow-sim", address: "/dev/ttyS0" },
        { name: "a", driver: "labflow-sim", address: "/dev/ttyS0" },
      ],
    });
    expect(problems(text, "json")).toEqual([
      'devices[1] "a": name "a" is declared twice (line 1)',
      'devices[1] "a": address "/dev/ttyS0" is already used by device "a" (one device per port; use channels) (line 1)',
    ]);
  });

  it("gives the line of a JSON syntax error", () => {
    expect(problems('{\n  "devices": [\n    { "name": "x", }\n  ]\n}', "json")[0]).toMatch(
      /^not valid JSON: .*\(line 3\)$/,
    );
  });

  it("computes each pipeline's capabilities from its drivers' techniques", () => {
    expect(pipelineCapabilities(parseDevicesText(yaml))).toEqual(new Map([["p1", ["acquire", "ramp"]]]));
  });

  it("is found by --devices or as devices.json|yaml in the data folder", () => {
    const dir = tempDir();
    expect(findDevicesFile(dir)).toBeUndefined();
    writeFileSync(join(dir, "devices.yaml"), yaml);
    expect(findDevicesFile(dir)).toBe(join(dir, "devices.yaml"));
    expect(loadDevicesFile(join(dir, "devices.yaml")).devices).toHaveLength(2);
    expect(() => findDevicesFile(dir, join(dir, "nope.json"))).toThrow(
      /nope.json: the devices file does not exist/,
    );
  });
});
