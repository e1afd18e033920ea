/**
 * Runs the driver host's tasks: starts an acquisition on a registered component, appends its
 * readings to the task's data file, watches it, and stops it. A task's state changes only through
 * applyTaskEvent (task-lifecycle.ts); this class carries out the effects a transition asks for
 * (files, watchdog, the stop command) and feeds back what the instrument answered.
 */
import { existsSync, statSync } from "node:fs";
import type { InstrumentTarget, TaskState } from "../../../modules/sdk/instruments.js";
import type { DriverTask } from "../protocol/driver-api.js";
import { DataFileAppender, type TaskMeta, writeTaskMeta } from "../protocol/task-files.js";
import { type ComponentRegistry, describeTarget, keyOf } from "./component-registry.js";
import { readingsOf, type TaskRecord, TaskTable, type TaskTableOptions } from "./driver-host-tasks.js";
import { type DriverImplementation, type Reading, TaskRefusal } from "./driver-implementation.js";
import type { SerialLine } from "./serial-line.js";
import {
  applyTaskEvent,
  isFinal,
  reportedState,
  type TaskEffect,
  type TaskEvent,
  type TaskOutcome,
  takesReadings,
} from "./task-lifecycle.js";
import { startWatchdog } from "./task-watchdog.js";

export class TaskRunner {
  private readonly tasks: TaskTable;
  private readonly now: () => number;

  constructor(
    private readonly driver: DriverImplementation,
    private readonly components: ComponentRegistry,
    private readonly log: (message: string) => void,
    /** When the host started (ISO), for the `unknown task` message. */
    private readonly hostStartedAt: string,
    options: TaskTableOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.tasks = new TaskTable(options);
  }

  /**
   * Starts a task, or answers the state of the one already started with this id. Resolves once
   * the instrument answered the start (and, when the task ended meanwhile, the stop that followed).
   */
  async start(target: InstrumentTarget, task: DriverTask): Promise<TaskState> {
    const known = this.tasks.find(task.taskId);
    if (known) {
      if (known.key !== keyOf(target))
        throw new Error(
          `task ${task.taskId} already runs on ${describeTarget(known.target)}, not ${describeTarget(target)}`,
        );
      return this.stateOf(known);
    }
    const registered = this.components.connected(target);
    const key = keyOf(target);
    const busy = this.tasks.busyOn(key);
    if (busy) throw new Error(`${describeTarget(target)} is busy with task ${busy.task.taskId}`);
    this.tasks.pruneFinished(key);
    try {
      registered.component.checkTask(task);
    } catch (error) {
      if (!(error instanceof TaskRefusal)) throw error;
      return this.refuse(target, task, error);
    }
    if (existsSync(task.dataFile) && statSync(task.dataFile).size > 0)
      throw new Error(
        `task ${task.taskId}: ${task.dataFile} already holds readings from an earlier start that this driver host does not know; not starting it twice`,
      );
    const appender = new DataFileAppender(task.dataFile);
    const meta: TaskMeta = {
      taskId: task.taskId,
      driver: this.driver.descriptor.type,
      device: target.device,
      channel: target.channel,
      address: registered.spec.address,
      technique: task.technique,
      params: task.params,
      durationMs: task.durationMs,
      samplingMs: task.samplingMs,
      columns: [{ name: "t", unit: "ISO 8601 UTC" }, ...this.driver.columns],
      startedAt: new Date(this.now()).toISOString(),
      state: "running",
    };
    writeTaskMeta(task.dataFile, meta);
    const record = this.newRecord(target, task, { state: "starting" }, appender, meta);
    this.tasks.add(record);
    try {
      await registered.component.start(task, {
        readings: (readings) => this.store(record, readings),
        done: () => this.apply(record, { type: "ended", outcome: { state: "completed" } }),
      });
      this.apply(record, { type: "startAccepted" });
    } catch (error) {
      const message = `${describeTarget(target)} did not start the acquisition: ${(error as Error).message}`;
      this.apply(record, { type: "startFailed", message });
    }
    // The start's answer may have called for a stop (the task ended while starting, or the start
    // failed and the instrument may have started all the same): answer once it was sent.
    await record.stopCommand;
    return this.stateOf(record);
  }

  status(taskId: string): TaskState {
    return this.stateOf(this.tasks.get(taskId, this.hostStartedAt));
  }

  /**
   * Stops a task. A running task is answered once the instrument answered the stop; a task still
   * starting ends at once (its instrument is stopped once it accepted the start), so that an
   * instrument slow to answer the start does not make the stop time out.
   */
  async stop(taskId: string): Promise<TaskState> {
    const record = this.tasks.get(taskId, this.hostStartedAt);
    this.apply(record, { type: "stopRequested" });
    // Only a stop that decides the outcome is waited for; one after a failure goes on in the background.
    if (record.state.state === "stopping" && !record.state.outcome) await record.stopCommand;
    return this.stateOf(record);
  }

  /** The task not yet final on a channel (running, starting or stopping its instrument). */
  busyTaskOn(key: string): string | undefined {
    return this.tasks.busyOn(key)?.task.taskId;
  }

  /** Ends the task on a channel, if any, with no stop sent (e.g. the device is being reset). */
  endTaskOn(key: string, outcome: TaskOutcome): void {
    const busy = this.tasks.busyOn(key);
    if (busy) this.apply(busy, { type: "ended", outcome });
  }

  /** Fails the tasks on a serial link that disappeared; the readings so far stay on disk. */
  linkLost(line: SerialLine, reason: string): void {
    for (const record of this.tasks.all()) {
      if (isFinal(record.state) || this.components.find(record.key)?.line !== line) continue;
      const message = `device "${record.target.device}" lost its serial link (port ${line.path}): ${reason}; ${readingsOf(record)} readings kept in ${record.task.dataFile}`;
      this.apply(record, { type: "ended", outcome: { state: "failed", message } });
    }
  }

  /** Stops every acquisition (the host is shutting down); the tasks end `failed`, saying so. */
  async close(): Promise<void> {
    for (const record of this.tasks.all())
      if (record.state.state === "starting" || record.state.state === "running") {
        await this.components
          .find(record.key)
          ?.component.stop()
          .catch(() => undefined);
        const outcome = { state: "failed", message: "the driver host was shut down" } as const;
        this.apply(record, { type: "ended", outcome });
      }
  }

  /** The one place a task's state changes: the transition, then its effects in order. */
  private apply(record: TaskRecord, event: TaskEvent): void {
    const { state, effects } = applyTaskEvent(record.state, event);
    record.state = state;
    for (const effect of effects) this.carryOut(record, effect);
  }

  private carryOut(record: TaskRecord, effect: TaskEffect): void {
    switch (effect.type) {
      case "watch": {
        const { taskId, technique, durationMs, samplingMs } = record.task;
        const fail = (message: string) => this.apply(record, { type: "failed", message });
        record.timers.push(...startWatchdog(record, fail));
        this.log(
          `task ${taskId} started on ${describeTarget(record.target)} (${technique}, ${durationMs} ms at ${samplingMs} ms)`,
        );
        return;
      }
      case "finish":
        this.finish(record);
        return;
      case "sendStop":
        record.stopCommand = this.sendStop(record, effect.why);
        return;
      case "rewriteMeta":
        this.writeFinalMeta(record);
        return;
    }
  }

  /** Sends the stop and feeds its answer back; never rejects (a failure is logged and kept). */
  private async sendStop(record: TaskRecord, why: string): Promise<void> {
    const registered = this.components.find(record.key);
    let failure: string | undefined;
    try {
      if (!registered) throw new Error(`${describeTarget(record.target)} is no longer registered`);
      await registered.component.stop();
      this.log(
        `task ${record.task.taskId}: acquisition stopped on ${describeTarget(record.target)} (${why})`,
      );
    } catch (error) {
      failure = `the stop command failed: ${(error as Error).message}`;
      this.log(`task ${record.task.taskId}: ${failure}`);
    }
    this.apply(record, { type: "stopAnswered", ...(failure ? { failure } : {}) });
  }

  /** Appends readings to the task's data file; a file that cannot take them (disk full) fails the task. */
  private store(record: TaskRecord, readings: Reading[]): void {
    if (!takesReadings(record.state) || !record.appender) return;
    try {
      record.appender.append(readings);
    } catch (error) {
      const message = `cannot write ${record.task.dataFile}: ${(error as Error).message}; ${readingsOf(record)} readings kept`;
      this.apply(record, { type: "failed", message });
      return;
    }
    record.lastReadingAt = Date.now();
  }

  /** Keeps a task that can never run as asked as `failed`, saying so; nothing was started or written. */
  private refuse(target: InstrumentTarget, task: DriverTask, refusal: Error): TaskState {
    const message = `${describeTarget(target)} refused ${refusal.message}; this task can never run as asked (retrying cannot help)`;
    const record = this.newRecord(target, task, { state: "failed", message }, undefined, undefined);
    this.tasks.add(record);
    this.finish(record);
    return this.stateOf(record);
  }

  private newRecord(
    target: InstrumentTarget,
    task: DriverTask,
    state: TaskRecord["state"],
    appender: DataFileAppender | undefined,
    meta: TaskMeta | undefined,
  ): TaskRecord {
    return { task, target, key: keyOf(target), state, appender, meta, lastReadingAt: Date.now(), timers: [] };
  }

  /** The outcome is known: nothing more is written or watched, and the meta file says how it ended. */
  private finish(record: TaskRecord): void {
    record.endedAt = this.now();
    for (const timer of record.timers) clearTimeout(timer);
    record.appender?.close();
    this.components.find(record.key)?.component.dispose();
    this.writeFinalMeta(record);
    const { state, message } = this.stateOf(record);
    this.log(
      `task ${record.task.taskId} ${state} with ${readingsOf(record)} readings${message ? `: ${message}` : ""}`,
    );
  }

  private writeFinalMeta(record: TaskRecord): void {
    if (!record.meta) return;
    const { state, message } = this.stateOf(record);
    record.meta = {
      ...record.meta,
      state,
      endedAt: new Date(record.endedAt ?? this.now()).toISOString(),
      readings: readingsOf(record),
      ...(message ? { message } : {}),
    };
    try {
      writeTaskMeta(record.task.dataFile, record.meta);
    } catch (error) {
      this.log(`task ${record.task.taskId}: could not write its meta file: ${(error as Error).message}`);
    }
  }

  private stateOf(record: TaskRecord): TaskState {
    const reported = reportedState(record.state);
    const state: TaskState = { state: reported.state, readings: readingsOf(record) };
    if ("message" in reported && reported.message) state.message = reported.message;
    return state;
  }
}
