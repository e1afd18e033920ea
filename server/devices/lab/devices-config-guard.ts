/**
 * A devices file must not pull a pipeline or a device from under a job (tomato: "reload would
 * delete a running pipeline"). The configuration last accepted is kept in the data folder
 * (`devices.accepted.json`); a new file that drops or changes a pipeline a job holds, or a device
 * such a pipeline uses, is refused, naming the job, and the accepted configuration stays in force
 * until the job has ended.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isFinishedJob } from "../../schema/states.js";
import type { ClaimRecord } from "../../store/pipeline-store.js";
import type { DevicesConfig } from "./devices-file.js";
import type { JobStateLookup } from "./pipelines.js";

export const ACCEPTED_CONFIG_NAME = "devices.accepted.json";

export interface GuardedConfig {
  config: DevicesConfig;
  /** Why the devices file was refused (the accepted configuration is used instead). */
  refused?: string;
}

/** The configuration to run with: `next`, unless it would change what a job in progress holds. */
export function guardDevicesConfig(
  dataDir: string,
  next: DevicesConfig,
  claims: readonly ClaimRecord[],
  jobState: JobStateLookup,
): GuardedConfig {
  const accepted = readAccepted(dataDir);
  if (accepted) {
    const held = claims.filter((claim) => {
      if (claim.state !== "claimed" || claim.pipeline === undefined) return false;
      const state = jobState(claim.jobId);
      return state !== undefined && !isFinishedJob(state);
    });
    const problems = held.flatMap((claim) => conflicts(accepted, next, claim));
    if (problems.length > 0) {
      return {
        config: accepted,
        refused:
          `the devices file ${next.source} is refused: ${problems.join("; ")}. The last accepted ` +
          `configuration (${join(dataDir, ACCEPTED_CONFIG_NAME)}) stays in force; restart once the job has ended, or cancel it`,
      };
    }
  }
  const file = join(dataDir, ACCEPTED_CONFIG_NAME);
  writeFileSync(
    `${file}.tmp`,
    `${JSON.stringify({ ...next, acceptedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  renameSync(`${file}.tmp`, file);
  return { config: next };
}

function conflicts(accepted: DevicesConfig, next: DevicesConfig, claim: ClaimRecord): string[] {
  const name = claim.pipeline as string;
  const before = accepted.pipelines.find((p) => p.name === name);
  if (!before) return [];
  const after = next.pipelines.find((p) => p.name === name);
  const by = `job ${claim.jobId} holds it`;
  if (!after) return [`it drops pipeline "${name}" (${by})`];
  if (JSON.stringify(sorted(before.roles)) !== JSON.stringify(sorted(after.roles)))
    return [`it changes the roles of pipeline "${name}" (${by})`];
  const problems: string[] = [];
  for (const device of new Set(Object.values(before.roles).map((r) => r.device))) {
    const old = accepted.devices.find((d) => d.name === device);
    const now = next.devices.find((d) => d.name === device);
    if (!now) problems.push(`it drops device "${device}" of pipeline "${name}" (${by})`);
    else if (JSON.stringify(old) !== JSON.stringify(now))
      problems.push(`it changes device "${device}" of pipeline "${name}" (${by})`);
  }
  return problems;
}

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function readAccepted(dataDir: string): DevicesConfig | undefined {
  const file = join(dataDir, ACCEPTED_CONFIG_NAME);
  if (!existsSync(file)) return undefined;
  try {
    const { source, devices, pipelines } = JSON.parse(readFileSync(file, "utf8")) as DevicesConfig;
    return Array.isArray(devices) && Array.isArray(pipelines) ? { source, devices, pipelines } : undefined;
  } catch {
    return undefined;
  }
}
