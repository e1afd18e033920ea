import { closeSync, openSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { csvHeader, csvLines } from "../../../modules/instruments/_dataset.js";
import type { PipelineStatusView } from "../../schema/pipelines-api.js";
import { CliError } from "../cli-error.js";
import { connectInstruments, type InstrumentCommandsAccess } from "../instrument-access.js";

export const INSTRUMENT_USAGE = `usage:
  labflow pipeline status [NAME] [--json]   pipelines with their sample, ready flag and job
  labflow pipeline load NAME SAMPLE         put a sample into an empty pipeline
  labflow pipeline eject NAME               take the sample out (refused while a job runs)
  labflow pipeline ready NAME [--off]       mark ready (or not) for jobs (refused while a job runs)
  labflow snapshot JOB [--json] [--out FILE] [--offset BYTES]
                                            the data of an instrument job so far (CSV with units);
                                            a job not acquiring yet (queued, qw) prints nothing and
                                            says so on stderr (exit 0)
  labflow device set DEVICE ATTRIBUTE VALUE [--channel CH] [--force]
                                            set an attribute (refused while a job uses the channel;
                                            --force sets it and records it in that job's log and data)
options: --data DIR, --devices FILE (when no server owns the data folder)`;

/** `labflow pipeline ...` and `labflow snapshot JOB`: through the server when one runs. */
export async function instrumentCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: "string" },
      devices: { type: "string" },
      json: { type: "boolean", default: false },
      off: { type: "boolean", default: false },
      out: { type: "string" },
      offset: { type: "string", default: "0" },
      channel: { type: "string", default: "1" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(INSTRUMENT_USAGE);
    return 0;
  }
  const [command, action, ...args] = positionals;
  if (
    command === "pipeline" &&
    action !== undefined &&
    !["status", "load", "eject", "ready"].includes(action)
  )
    throw new CliError(`unknown pipeline action "${action}"\n\n${INSTRUMENT_USAGE}`, 2);
  const dataDir = resolve(values.data ?? process.env.LABFLOW_DATA ?? ".labflow");
  const access = await connectInstruments(dataDir, values.devices);
  try {
    if (command === "snapshot") {
      const jobId = need(action, "labflow snapshot JOB");
      const offset = Number(values.offset);
      if (!Number.isInteger(offset) || offset < 0)
        throw new CliError("--offset: give a byte offset (>= 0)", 2);
      const out = values.out ? openSync(values.out, "w") : undefined;
      try {
        const write = (text: string) => (out === undefined ? writeToStdout(text) : writeOut(out, text));
        const { readings, state } = await snapshot(access, jobId, offset, values.json, write);
        if (values.out)
          console.log(`${readings} readings of job ${jobId} (${state}) written to ${values.out}`);
      } finally {
        if (out !== undefined) closeSync(out);
      }
      return 0;
    }
    if (command === "device") {
      const usage = "labflow device set DEVICE ATTRIBUTE VALUE [--channel CH] [--force]";
      if (action !== "set") throw new CliError(`usage: ${usage}`, 2);
      const [device, attribute, text] = [need(args[0], usage), need(args[1], usage), need(args[2], usage)];
      const set = await access.setAttribute(device, attribute, {
        value: parseValue(text),
        channel: values.channel,
        force: values.force,
      });
      const forced = set.forcedOver
        ? ` (forced while job ${set.forcedOver} used it; recorded with the job)`
        : "";
      console.log(`${set.device}/${set.channel} ${set.attribute} = ${set.value}${forced}`);
      return 0;
    }
    switch (action) {
      case "status":
      case undefined: {
        const answer = await access.pipelines();
        const shown = args[0] ? answer.pipelines.filter((p) => p.name === args[0]) : answer.pipelines;
        if (args[0] && shown.length === 0) throw new CliError(`no pipeline "${args[0]}"`);
        if (values.json) console.log(JSON.stringify(args[0] ? shown[0] : answer, null, 2));
        else if (!answer.configured) console.log(answer.message);
        else for (const line of formatPipelines(shown)) console.log(line);
        return 0;
      }
      case "load":
        print(
          await access.load(
            need(args[0], "labflow pipeline load NAME SAMPLE"),
            need(args[1], "labflow pipeline load NAME SAMPLE"),
          ),
        );
        return 0;
      case "eject":
        print(await access.eject(need(args[0], "labflow pipeline eject NAME")));
        return 0;
      case "ready":
        print(await access.ready(need(args[0], "labflow pipeline ready NAME"), !values.off));
        return 0;
      default:
        throw new CliError(`unknown pipeline action "${action}"\n\n${INSTRUMENT_USAGE}`, 2);
    }
  } finally {
    await access.close();
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

/** `35` is a number, `true`/`false` a boolean, anything else a string. */
function parseValue(text: string): number | string | boolean {
  if (text === "true" || text === "false") return text === "true";
  const number = Number(text);
  return text.trim() !== "" && Number.isFinite(number) ? number : text;
}

function need(value: string | undefined, usage: string): string {
  if (!value) throw new CliError(`usage: ${usage}`, 2);
  return value;
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
