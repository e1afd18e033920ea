/**
 * The devices file (JSON or YAML): the lab's devices on serial ports and the pipelines that group
 * them into roles. Checked against the known driver types; every problem names the entry, the
 * field and, where the parser knows it, the line.
 *
 * ```yaml
 * devices:
 *   - { name: furnace, driver: labflow-sim, address: /dev/ttyUSB0, channels: ["1"], pollMs: 500 }
 * pipelines:
 *   - { name: p1, roles: { heater: { device: furnace, channel: "1" } } }
 * ```
 */
import { resolve } from "node:path";
import { z } from "zod";
import {
  ConfigFileError,
  checkConfigSchema,
  findConfigFile,
  parseConfigDocument,
  readConfigText,
} from "../../config/config-file.js";
import type { ComponentSpec } from "../protocol/driver-api.js";
import { driverDescriptors } from "../protocol/driver-descriptors.js";

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "use letters, digits, '_', '.', '-' (starting with a letter or digit)",
  );
const channel = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

const deviceSchema = z.strictObject({
  name,
  driver: z.string().min(1),
  /** A serial port path, e.g. /dev/ttyUSB0. */
  address: z.string().min(1),
  channels: z.array(channel).min(1).default(["1"]),
  /** How often the driver polls the device, and retries opening its port while it is absent. */
  pollMs: z.number().int().min(50).max(600_000).default(1000),
  settings: z.record(z.string(), z.unknown()).default({}),
});

/** A pipeline name, or a template with one `*` that each channel of its `channel: each` roles replaces. */
const pipelineName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*(\*[A-Za-z0-9_.-]*)?$/,
    "use letters, digits, '_', '.', '-' (starting with a letter or digit), and at most one '*' for a template",
  );

const pipelineSchema = z.strictObject({
  name: pipelineName,
  roles: z.record(
    name,
    z.strictObject({
      device: z.string().min(1),
      /** Default: the device's first channel; `each` in a template (`pip-*`): one pipeline per channel. */
      channel: channel.optional(),
    }),
  ),
});

export const devicesFileSchema = z.strictObject({
  devices: z.array(deviceSchema).default([]),
  pipelines: z.array(pipelineSchema).default([]),
});

export type DeviceConfig = z.infer<typeof deviceSchema>;
export interface PipelineConfig {
  name: string;
  roles: Record<string, { device: string; channel: string }>;
}
export interface DevicesConfig {
  /** The file it came from (absolute), or "<text>". */
  source: string;
  devices: DeviceConfig[];
  pipelines: PipelineConfig[];
}

/** A devices file that cannot be used; `problems` lists each one, naming entry, field and line. */
export class DevicesFileError extends ConfigFileError {
  declare readonly code: "devices_file_invalid";
  constructor(file: string, problems: string[]) {
    super("devices_file_invalid", file, problems);
  }
}

const DEFAULT_NAMES = ["devices.json", "devices.yaml", "devices.yml"];

/** The devices file to use: `explicit` (from --devices) or the first of devices.json|yaml|yml in the data dir. */
export function findDevicesFile(dataDir: string, explicit?: string): string | undefined {
  return findConfigFile(
    dataDir,
    DEFAULT_NAMES,
    explicit,
    (path) => new DevicesFileError(path, ["the devices file does not exist"]),
  );
}

export function loadDevicesFile(path: string): DevicesConfig {
  const absolute = resolve(path);
  const { text, format } = readConfigText(absolute, (problem) => new DevicesFileError(absolute, [problem]));
  return parseDevicesText(text, absolute, format);
}

export function parseDevicesText(
  text: string,
  source = "<text>",
  format: "json" | "yaml" = "yaml",
): DevicesConfig {
  const fail = (problems: string[]) => new DevicesFileError(source, problems);
  const doc = parseConfigDocument(text, format, fail);
  const { lineOf } = doc;
  const parsed = { data: checkConfigSchema(devicesFileSchema, doc, fail) };
  const problems: string[] = [];
  const { devices } = parsed.data;
  const byName = new Map<string, DeviceConfig>();
  const byAddress = new Map<string, string>();
  devices.forEach((device, i) => {
    const where = `devices[${i}] "${device.name}"`;
    if (byName.has(device.name))
      problems.push(`${where}: name "${device.name}" is declared twice${lineOf(["devices", i, "name"])}`);
    byName.set(device.name, device);
    if (!driverDescriptors.has(device.driver))
      problems.push(
        `${where}: driver "${device.driver}" is not known (known: ${[...driverDescriptors.keys()].join(", ")})${lineOf(["devices", i, "driver"])}`,
      );
    const owner = byAddress.get(device.address);
    if (owner !== undefined)
      problems.push(
        `${where}: address "${device.address}" is already used by device "${owner}" (one device per port; use channels)${lineOf(["devices", i, "address"])}`,
      );
    else byAddress.set(device.address, device.name);
    if (new Set(device.channels).size !== device.channels.length)
      problems.push(`${where}: channels lists a channel twice${lineOf(["devices", i, "channels"])}`);
    const baud = device.settings.baudRate;
    if (baud !== undefined && !(Number.isInteger(baud) && (baud as number) > 0))
      problems.push(
        `${where}: settings.baudRate must be a positive integer${lineOf(["devices", i, "settings", "baudRate"])}`,
      );
  });

  const pipelineNames = new Set<string>();
  const pipelines: PipelineConfig[] = parsed.data.pipelines
    .flatMap((pipeline, i) => {
      const expanded = expandTemplate(pipeline, byName);
      if (typeof expanded === "string") {
        problems.push(`pipelines[${i}] "${pipeline.name}": ${expanded}${lineOf(["pipelines", i, "name"])}`);
        return [];
      }
      return expanded.map((one) => ({ one, i }));
    })
    .map(({ one: pipeline, i }) => {
      const where = `pipelines[${i}] "${pipeline.name}"`;
      if (!name.safeParse(pipeline.name).success)
        problems.push(
          `${where}: the name made from the template is not a valid name${lineOf(["pipelines", i, "name"])}`,
        );
      if (pipelineNames.has(pipeline.name))
        problems.push(
          `${where}: name "${pipeline.name}" is declared twice${lineOf(["pipelines", i, "name"])}`,
        );
      pipelineNames.add(pipeline.name);
      const roles: PipelineConfig["roles"] = {};
      for (const [role, ref] of Object.entries(pipeline.roles)) {
        const device = byName.get(ref.device);
        if (!device) {
          problems.push(
            `${where}: role "${role}" names device "${ref.device}" that is not declared${lineOf(["pipelines", i, "roles", role, "device"])}`,
          );
          continue;
        }
        const channelName = ref.channel ?? device.channels[0]!;
        if (!device.channels.includes(channelName))
          problems.push(
            `${where}: role "${role}" names channel "${channelName}" that device "${device.name}" does not have (channels: ${device.channels.join(", ")})${lineOf(["pipelines", i, "roles", role, "channel"])}`,
          );
        roles[role] = { device: device.name, channel: channelName };
      }
      if (Object.keys(pipeline.roles).length === 0)
        problems.push(
          `${where}: roles is empty (a pipeline needs at least one device)${lineOf(["pipelines", i, "roles"])}`,
        );
      return { name: pipeline.name, roles };
    });
  if (problems.length > 0) throw new DevicesFileError(source, problems);
  return { source, devices, pipelines };
}

type PipelineEntry = z.infer<typeof pipelineSchema>;

/**
 * tomato's per-channel pipelines: a name with one `*` is a template; each of its roles with
 * `channel: each` takes every channel of its device in turn, and `*` becomes that channel
 * (`pip-counter-*` over channels 1..16: `pip-counter-1` .. `pip-counter-16`). A plain pipeline
 * comes back as it is; a template that cannot expand says why.
 */
export function expandTemplate(
  pipeline: PipelineEntry,
  devices: ReadonlyMap<string, DeviceConfig>,
): PipelineEntry[] | string {
  const each = Object.entries(pipeline.roles).filter(([, ref]) => ref.channel === "each");
  const template = pipeline.name.includes("*");
  if (!template && each.length === 0) return [pipeline];
  if (!template)
    return `role "${each[0]?.[0]}" has channel "each", which only a template (a name with '*', e.g. pip-*) may use`;
  if (each.length === 0)
    return "a template (a name with '*') needs a role with channel \"each\" to expand over";
  const lists = each.map(([role, ref]) => ({ role, channels: devices.get(ref.device)?.channels }));
  const first = lists[0]?.channels;
  if (!first) return `role "${each[0]?.[0]}" names device "${each[0]?.[1].device}" that is not declared`;
  const other = lists.find((l) => l.channels && l.channels.join(",") !== first.join(","));
  if (other)
    return `roles with channel "each" must have the same channels (role "${other.role}" has ${other.channels?.join(", ")}, not ${first.join(", ")})`;
  return first.map((ch) => ({
    name: pipeline.name.replace("*", ch),
    roles: Object.fromEntries(
      Object.entries(pipeline.roles).map(([role, ref]) => [
        role,
        ref.channel === "each" ? { ...ref, channel: ch } : ref,
      ]),
    ),
  }));
}

/** Techniques the driver of `device` offers ([] for an unknown device). */
export function deviceTechniques(config: DevicesConfig, device: string): string[] {
  const driver = config.devices.find((d) => d.name === device)?.driver;
  return (driver && driverDescriptors.get(driver)?.techniques) || [];
}

/** Each pipeline's capabilities: the union of its devices' driver techniques, sorted. */
export function pipelineCapabilities(config: DevicesConfig): Map<string, string[]> {
  return new Map(
    config.pipelines.map((pipeline) => {
      const techniques = new Set(
        Object.values(pipeline.roles).flatMap((ref) => deviceTechniques(config, ref.device)),
      );
      return [pipeline.name, [...techniques].sort()];
    }),
  );
}

/** Every device channel as the driver host receives it. */
export function componentsOf(config: DevicesConfig): (ComponentSpec & { driver: string })[] {
  return config.devices.flatMap((device) =>
    device.channels.map((ch) => ({
      device: device.name,
      channel: ch,
      driver: device.driver,
      address: device.address,
      pollMs: device.pollMs,
      settings: device.settings,
    })),
  );
}
