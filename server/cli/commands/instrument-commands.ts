import { closeSync, openSync, writeSync } from "node:fs";
import { csvHeader, csvLines } from "../../../modules/sdk/instrument-data.js";
import type { PipelineStatusView } from "../../schema/pipelines-api.js";
import { CliError } from "../cli-error.js";
import { type CommandFamily, defineCommand } from "../command-spec.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { connectInstruments, type InstrumentCommandsAccess } from "../instrument-access.js";

const DEVICES_OPTION = {
  devices: {
    type: "string",
    value: "FILE",
    description:
      "instruments and pipelines when no server owns the data folder (default DATA/devices.json|yaml)",
  },
} as const;

/** Runs `body` with the instruments of the data folder (through its server, if one runs), closing after. */
async function withInstruments(
  values: { data: string | undefined; devices: string | undefined },
  body: (access: InstrumentCommandsAccess) => Promise<void>,
): Promise<number> {
  const access = await connectInstruments(dataFolder(values.data), values.devices);
  try {
    await body(access);
    return 0;
  } finally {
    await access.close();
  }
}

const pipelineStatusSpec = defineCommand({
  name: "status",
  summary: "pipelines with their sample, ready flag and job",
  args: [{ name: "NAME", optional: true }],
  options: { json: { type: "boolean", description: "print JSON" }, ...DEVICES_OPTION, ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args: [name] }) =>
    withInstruments(values, async (access) => {
      const answer = await access.pipelines();
      const shown = name ? answer.pipelines.filter((p) => p.name === name) : answer.pipelines;
      if (name && shown.length === 0) throw new CliError(`no pipeline "${name}"`);
      if (values.json) console.log(JSON.stringify(name ? shown[0] : answer, null, 2));
      else if (!answer.configured) console.log(answer.message);
      else for (const line of formatPipelines(shown)) console.log(line);
    }),
});

const pipelineLoadSpec = defineCommand({
  name: "load",
  summary: "put a sample into an empty pipeline",
  args: [{ name: "NAME" }, { name: "SAMPLE" }],
  options: { ...DEVICES_OPTION, ...DATA_OPTION },
  run: ({ values, args: [name, sample] }) =>
    withInstruments(values, async (access) => print(await access.load(name as string, sample as string))),
});

const pipelineEjectSpec = defineCommand({
  name: "eject",
  summary: "take the sample out (refused while a job runs)",
  args: [{ name: "NAME" }],
  options: { ...DEVICES_OPTION, ...DATA_OPTION },
  run: ({ values, args: [name] }) =>
    withInstruments(values, async (access) => print(await access.eject(name as string))),
});

const pipelineReadySpec = defineCommand({
  name: "ready",
  summary: "mark a pipeline ready (or not, --off) for jobs (refused while a job runs)",
  args: [{ name: "NAME" }],
  options: {
    off: { type: "boolean", description: "mark it not ready" },
    ...DEVICES_OPTION,
    ...DATA_OPTION,
  },
  run: ({ values, args: [name] }) =>
    withInstruments(values, async (access) => print(await access.ready(name as string, !values.off))),
});

/** `labflow pipeline status|load|eject|ready`: samples and ready flags (docs/instruments.md). */
export const pipelineFamily: CommandFamily = {
  name: "pipeline",
  summary: "samples and ready flags of pipelines (see docs/instruments.md)",
  commands: [pipelineStatusSpec, pipelineLoadSpec, pipelineEjectSpec, pipelineReadySpec],
  defaultCommand: "status",
};

/** `labflow device set DEVICE ATTRIBUTE VALUE`: refused while a job uses the channel, unless forced. */
const deviceSetSpec = defineCommand({
  name: "set",
  summary: "set a device attribute (refused while a job uses the channel; --force records it with that job)",
  args: [{ name: "DEVICE" }, { name: "ATTRIBUTE" }, { name: "VALUE" }],
  options: {
    channel: { type: "string", value: "CH", description: "the device's channel (default 1)" },
    force: {
      type: "boolean",
      description: "set it even while a job uses the channel (recorded in that job's log and data)",
    },
    ...DEVICES_OPTION,
    ...DATA_OPTION,
  },
  needsExistingDataFolder: true,
  run: ({ values, args: [device, attribute, text] }) =>
    withInstruments(values, async (access) => {
      const set = await access.setAttribute(device as string, attribute as string, {
        value: parseValue(text as string),
        channel: values.channel ?? "1",
        force: values.force,
      });
      const forced = set.forcedOver
        ? ` (forced while job ${set.forcedOver} used it; recorded with the job)`
        : "";
      console.log(`${set.device}/${set.channel} ${set.attribute} = ${set.value}${forced}`);
    }),
});

export const deviceFamily: CommandFamily = {
  name: "device",
  summary: "device attributes (see docs/instruments.md)",
  commands: [deviceSetSpec],
};

/** `35` is a number, `true`/`false` a boolean, anything else a string. */
function parseValue(text: string): number | string | boolean {
  if (text === "true" || text === "false") return text === "true";
  const number = Number(text);
  return text.trim() !== "" && Number.isFinite(number) ? number : text;
}

/** `labflow snapshot JOB`: through the server when one runs. */
export const snapshotSpec = defineCommand({
  name: "snapshot",
  summary: "an instrument job's data so far, as CSV with units",
  args: [{ name: "JOB" }],
  options: {
    json: { type: "boolean", description: "one JSON object instead of CSV" },
    out: { type: "string", value: "FILE", description: "write to FILE instead of stdout" },
    offset: {
      type: "string",
      value: "BYTES",
      description: "start at this byte of the job's data (default 0)",
    },
    ...DEVICES_OPTION,
    ...DATA_OPTION,
  },
  needsExistingDataFolder: true,
  run: ({ values, args: [jobId] }) => {
    const offset = Number(values.offset ?? "0");
    if (!Number.isInteger(offset) || offset < 0) throw new CliError("--offset: give a byte offset (>= 0)", 2);
    return withInstruments(values, async (access) => {
      const out = values.out === undefined ? undefined : openOutput(values.out);
      try {
        const write = (text: string) => (out === undefined ? writeToStdout(text) : writeOut(out, text));
        const { readings, state } = await snapshot(access, jobId as string, offset, values.json, write);
        if (values.out)
          console.log(`${readings} readings of job ${jobId} (${state}) written to ${values.out}`);
      } finally {
        if (out !== undefined) closeSync(out);
      }
    });
  },
});

function openOutput(path: string): number {
  try {
    return openSync(path, "w");
  } catch (error) {
    throw new CliError(`--out ${path}: ${(error as Error).message}`);
  }
}

/**
 * All the data of a job from `offset` to the end, asked for part by part (each answer is about
 * 8 MB) until `nextOffset` stops moving, and written out part by part: CSV with its header once
 * (the quantities and units of the first part with readings), or one JSON object whose readings
 * array is written piecewise.
 */
async function snapshot(
  access: InstrumentCommandsAccess,
  jobId: string,
  offset: number,
  json: boolean,
  write: (text: string) => Promise<void>,
): Promise<{ readings: number; state: string }> {
  let data = await access.jobData(jobId, offset);
  if (NOT_STARTED.has(data.state) && data.readings.length === 0) {
    // Nothing on stdout: an empty CSV would read as an acquisition without readings.
    console.error(
      `labflow: job ${jobId} is ${data.state}: it has not started acquiring, so it has no data yet`,
    );
    return { readings: 0, state: data.state };
  }
  let quantities: string[] | undefined;
  let count = 0;
  if (json) {
    const { readings: _readings, nextOffset: _next, decimated: _decimated, ...head } = data;
    await write(`${JSON.stringify(head).slice(0, -1)},"readings":[`);
  }
  for (;;) {
    if (json) {
      for (const reading of data.readings)
        await write(`${count++ === 0 ? "\n" : ",\n"}${JSON.stringify(reading)}`);
    } else {
      if (!quantities && data.readings.length > 0) {
        quantities = data.quantities;
        await write(csvHeader(quantities, data.units));
      }
      if (quantities && data.readings.length > 0) await write(csvLines(data.readings, quantities));
      count += data.readings.length;
    }
    if (data.nextOffset <= offset) break;
    offset = data.nextOffset;
    data = await access.jobData(jobId, offset);
  }
  if (json) await write(`\n],"nextOffset":${data.nextOffset}}\n`);
  if (!quantities && !json) await write(csvHeader(data.quantities, data.units));
  return { readings: count, state: data.state };
}

/** Job states before any acquisition (tomato's q and qw): a snapshot says so instead of printing data. */
const NOT_STARTED = new Set(["starting", "queued", "waiting"]);

function writeOut(fd: number, text: string): Promise<void> {
  writeSync(fd, text);
  return Promise.resolve();
}

/** Waits while stdout (a pipe to `head`, a slow terminal) cannot take more. */
function writeToStdout(text: string): Promise<void> {
  if (process.stdout.write(text)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once("drain", () => resolve()));
}

function print(pipeline: PipelineStatusView): void {
  for (const line of formatPipelines([pipeline])) console.log(line);
}

/** One line per pipeline: name, sample, ready, job, roles with techniques. */
export function formatPipelines(pipelines: PipelineStatusView[]): string[] {
  return pipelines.map((p) => {
    const roles = Object.entries(p.roles)
      .map(([role, r]) => `${role}=${r.device}/${r.channel} (${r.techniques.join(",")})`)
      .join(" ");
    const job = p.jobId ? `  job ${p.jobId}` : "";
    return `${p.name}  sample: ${p.sample ?? "-"}  ready: ${p.ready ? "yes" : "no"}${job}  ${roles}`;
  });
}
