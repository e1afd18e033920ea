import { existsSync } from "node:fs";
import { countReadings } from "../../../modules/sdk/instrument-data.js";
import type { ForcedSettingRecord } from "../../../modules/sdk/instrument-job-files.js";
import type {
  AttributeReading,
  ClaimResult,
  InstrumentAccess,
  InstrumentRequest,
  InstrumentTarget,
  SetOptions,
  SetResult,
  TaskSpec,
  TaskState,
} from "../../../modules/sdk/instruments.js";
import { EngineError } from "../../engine/engine-error.js";
import type { ClaimRecord } from "../../store/pipeline-store.js";
import type { DriverHostApi } from "../protocol/driver-api.js";
import { isDriverError } from "../protocol/driver-protocol.js";
import { readTaskMeta } from "../protocol/task-files.js";
import type { PipelineService } from "./pipelines.js";

/** Reaches the driver host process that serves a device (the supervisor spawns or reattaches it). */
export interface DriverHosts {
  hostFor(device: string): Promise<DriverHostApi>;
}

/**
 * What instrument modules see of the lab (InstrumentAccess): pipeline claims by the pipeline rules,
 * tasks on the driver hosts. Tasks are keyed by the job id, and the service records in the job's
 * claim (SQLite) that it started the task and how it ended, so that a check after a restart of the
 * server, or of a driver host, finds the same task instead of starting it twice.
 */
export class InstrumentService implements InstrumentAccess {
  constructor(
    readonly pipelines: PipelineService,
    private readonly hosts: DriverHosts,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  claim(jobId: string, request: InstrumentRequest): ClaimResult {
    return this.pipelines.claim(jobId, request);
  }

  release(jobId: string, outcome: "completed" | "failed" | "cancelled", reReady: boolean): void {
    this.pipelines.release(jobId, outcome, reReady);
  }

  resolve(pipeline: string, role: string): InstrumentTarget {
    return this.pipelines.resolve(pipeline, role);
  }

  /**
   * Starts the job's task once. Later calls (the next check, a restarted server) report the task's
   * state instead; a task the driver never received (a crash in between) is started then.
   */
  async startTask(jobId: string, target: InstrumentTarget, task: TaskSpec): Promise<TaskState> {
    const claim = this.claimOn(jobId, target);
    if (claim.taskFinal) return claim.taskFinal;
    if (claim.taskStartedAt) return this.taskStatus(jobId, target);
    // Recorded before the driver is asked: a restart then asks the driver again instead of starting anew.
    this.pipelines.saveClaim({ ...claim, task, taskStartedAt: this.now(), updatedAt: this.now() });
    return this.sendStart(jobId, target, task);
  }

  async taskStatus(jobId: string, target: InstrumentTarget): Promise<TaskState> {
    const claim = this.claimOn(jobId, target);
    if (claim.taskFinal) return claim.taskFinal;
    if (!claim.taskStartedAt)
      return { state: "running", readings: 0, message: "the task is not started yet" };
    try {
      const host = await this.hosts.hostFor(target.device);
      return this.remember(jobId, await host.taskStatus(target, jobId));
    } catch (error) {
      if (!isDriverError(error, "unknown_task")) throw error;
      return this.taskLost(jobId, target, claim);
    }
  }

  async stopTask(jobId: string, target: InstrumentTarget): Promise<TaskState> {
    const claim = this.pipelines.claimOf(jobId);
    if (claim?.taskFinal) return claim.taskFinal;
    if (!claim?.taskStartedAt) return { state: "stopped", readings: 0, message: "the task never started" };
    try {
      const host = await this.hosts.hostFor(target.device);
      return this.remember(jobId, await host.taskStop(target, jobId));
    } catch (error) {
      if (!isDriverError(error, "unknown_task")) throw error;
      const ended = claim.task && endedStateOf(claim.task.dataFile);
      if (ended) return this.remember(jobId, ended);
      const readings = claim.task ? countReadings(claim.task.dataFile) : 0;
      return this.remember(jobId, {
        state: "stopped",
        readings,
        message: "the driver no longer ran the task",
      });
    }
  }

  async runStep(
    jobId: string,
    key: string,
    target: InstrumentTarget,
    task: TaskSpec,
    asked: boolean,
  ): Promise<TaskState> {
    this.holdsChannel(jobId, target);
    const taskId = `${jobId}.${key}`;
    const host = await this.hosts.hostFor(target.device);
    if (!asked) return host.taskStart(target, { ...task, taskId });
    try {
      return await host.taskStatus(target, taskId);
    } catch (error) {
      if (!isDriverError(error, "unknown_task")) throw error;
      const ended = endedStateOf(task.dataFile);
      if (ended) return ended;
      if (!existsSync(task.dataFile)) return host.taskStart(target, { ...task, taskId });
      const readings = countReadings(task.dataFile);
      return {
        state: "failed",
        readings,
        message: `the driver of device "${target.device}" no longer runs step ${key} (its process was restarted); the ${readings} readings taken before are kept`,
      };
    }
  }

  async stopStep(jobId: string, key: string, target: InstrumentTarget): Promise<TaskState> {
    try {
      return await (await this.hosts.hostFor(target.device)).taskStop(target, `${jobId}.${key}`);
    } catch (error) {
      if (!isDriverError(error, "unknown_task")) throw error;
      return { state: "stopped", readings: 0, message: "the driver no longer ran the step" };
    }
  }

  /** Throws unless the job holds a pipeline that uses the channel. */
  private holdsChannel(jobId: string, target: InstrumentTarget): void {
    const claim = this.pipelines.claimOf(jobId);
    const roles = claim?.pipeline !== undefined ? this.channelsOf(claim.pipeline) : [];
    if (!roles.some((r) => r.device === target.device && r.channel === target.channel))
      throw new EngineError(
        "no_claim",
        `job ${jobId} holds no pipeline with device "${target.device}" channel "${target.channel}": claim one first`,
      );
  }

  async getAttribute(target: InstrumentTarget, name: string): Promise<AttributeReading> {
    return (await this.hosts.hostFor(target.device)).get(target, name);
  }

  async setAttribute(
    target: InstrumentTarget,
    name: string,
    value: number | string | boolean,
    options: SetOptions = {},
  ): Promise<SetResult> {
    const holder = this.jobUsing(target);
    const where = `device "${target.device}" channel "${target.channel}"`;
    if (holder && !options.force)
      throw new EngineError(
        "device_in_use",
        `${where} is in use by job ${holder.jobId} (pipeline ${holder.pipeline}): setting "${name}" is ` +
          "refused while it runs (wait for it, cancel it, or force the setting: it is then recorded in the job's log and data)",
      );
    await (await this.hosts.hostFor(target.device)).set(target, name, value);
    if (!holder) return {};
    this.onForcedSet?.(holder.jobId, {
      at: this.now(),
      device: target.device,
      channel: target.channel,
      attribute: name,
      value,
      by: options.by ?? "unknown",
    });
    return { forcedOver: holder.jobId };
  }

  /** Told of a setting forced on a channel in use, to record it with the job (its log and data). */
  onForcedSet: ((jobId: string, setting: ForcedSettingRecord) => void) | undefined;

  /** The open claim of a job holding a pipeline that uses the channel. */
  jobUsing(target: InstrumentTarget): ClaimRecord | undefined {
    return this.pipelines.openClaims().find((claim) => {
      if (claim.state !== "claimed" || claim.pipeline === undefined) return false;
      // The claim's own channel counts even if its pipeline is no longer declared.
      if (claim.device === target.device && claim.channel === target.channel) return true;
      return this.channelsOf(claim.pipeline).some(
        (r) => r.device === target.device && r.channel === target.channel,
      );
    });
  }

  /** The device channels of a pipeline ([] for one the devices file no longer declares). */
  private channelsOf(pipeline: string): InstrumentTarget[] {
    try {
      return Object.values(this.pipelines.get(pipeline).roles);
    } catch {
      return [];
    }
  }

  private async sendStart(jobId: string, target: InstrumentTarget, task: TaskSpec): Promise<TaskState> {
    const host = await this.hosts.hostFor(target.device);
    return this.remember(jobId, await host.taskStart(target, { ...task, taskId: jobId }));
  }

  /**
   * The driver host does not know the task (it was respawned). A task that never wrote a reading
   * never ran (a crash between recording and sending the start): it is started now. One that did
   * ran and was lost with its driver: the job fails, and the readings so far are kept.
   */
  private async taskLost(jobId: string, target: InstrumentTarget, claim: ClaimRecord): Promise<TaskState> {
    const ended = claim.task && endedStateOf(claim.task.dataFile);
    // The host forgets finished tasks after a while, and a host that died after the task ended
    // knew its end: the meta file beside the data keeps it.
    if (ended) return this.remember(jobId, ended);
    const readings = claim.task ? countReadings(claim.task.dataFile) : 0;
    if (claim.task && readings === 0 && !existsSync(claim.task.dataFile))
      return this.sendStart(jobId, target, claim.task);
    return this.remember(jobId, {
      state: "failed",
      readings,
      message:
        `the driver of device "${target.device}" no longer runs this task (its process was restarted); ` +
        `the ${readings} readings taken before are kept`,
    });
  }

  private remember(jobId: string, state: TaskState): TaskState {
    if (state.state === "running") return state;
    const claim = this.pipelines.claimOf(jobId);
    if (claim && !claim.taskFinal)
      this.pipelines.saveClaim({ ...claim, taskFinal: state, updatedAt: this.now() });
    return state;
  }

  private claimOn(jobId: string, target: InstrumentTarget): ClaimRecord {
    const claim = this.pipelines.claimOf(jobId);
    if (!claim || claim.device !== target.device || claim.channel !== target.channel) {
      throw new EngineError(
        "no_claim",
        `job ${jobId} holds no pipeline with device "${target.device}" channel "${target.channel}": claim one first`,
      );
    }
    return claim;
  }
}

/** The final state the driver host wrote beside the data when the task ended, if it did. */
function endedStateOf(dataFile: string): TaskState | undefined {
  const meta = readTaskMeta(dataFile);
  if (!meta?.endedAt || meta.state === "running") return undefined;
  return {
    state: meta.state,
    readings: meta.readings ?? countReadings(dataFile),
    ...(meta.message === undefined ? {} : { message: meta.message }),
  };
}
