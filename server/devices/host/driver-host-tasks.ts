/**
 * The driver host's tasks by id, running and finished. A finished task's final state stays
 * answerable for a while (a server that was down asks for it later), then is forgotten so that a
 * host running for months does not keep every task it ever ran: it is kept for a day, and only the
 * newest few of each channel. After that the meta file beside the data file still holds it.
 */
import type { InstrumentTarget } from "../../../modules/sdk/instruments.js";
import type { DriverTask } from "../protocol/driver-api.js";
import { DriverError } from "../protocol/driver-protocol.js";
import type { DataFileAppender, TaskMeta } from "../protocol/task-files.js";
import { isFinal, type TaskLifecycle } from "./task-lifecycle.js";

/** How long a finished task's final state is kept in memory. */
export const FINISHED_TASK_TTL_MS = 24 * 60 * 60 * 1000;
/** How many tasks of one channel are kept, the new one included (the others are the newest finished). */
export const TASKS_KEPT_PER_COMPONENT = 5;

export interface TaskTableOptions {
  finishedTaskTtlMs?: number;
  tasksKeptPerComponent?: number;
  now?: () => number;
}

export interface TaskRecord {
  task: DriverTask;
  target: InstrumentTarget;
  /** `device\0channel`. */
  key: string;
  /** Where the task is in its lifecycle; changed only through applyTaskEvent (task-lifecycle.ts). */
  state: TaskLifecycle;
  /** Undefined for a task refused before anything started (no data file was made). */
  appender: DataFileAppender | undefined;
  meta: TaskMeta | undefined;
  lastReadingAt: number;
  timers: NodeJS.Timeout[];
  /** The stop command on its way, for callers that wait for the instrument's answer (never read as state). */
  stopCommand?: Promise<void>;
  /** Epoch ms, once finished. */
  endedAt?: number;
}

export const readingsOf = (record: TaskRecord): number => record.appender?.count ?? 0;

export class TaskTable {
  private readonly records = new Map<string, TaskRecord>();
  private readonly ttlMs: number;
  private readonly keptPerComponent: number;
  private readonly now: () => number;

  constructor(options: TaskTableOptions = {}) {
    this.ttlMs = options.finishedTaskTtlMs ?? FINISHED_TASK_TTL_MS;
    this.keptPerComponent = Math.max(1, options.tasksKeptPerComponent ?? TASKS_KEPT_PER_COMPONENT);
    this.now = options.now ?? Date.now;
  }

  add(record: TaskRecord): void {
    this.records.set(record.task.taskId, record);
  }

  find(taskId: string): TaskRecord | undefined {
    return this.records.get(taskId);
  }

  /** Throws the protocol's `unknown_task` when it is not known (any more). */
  get(taskId: string, hostStartedAt: string): TaskRecord {
    const record = this.records.get(taskId);
    if (!record)
      throw new DriverError(
        "unknown_task",
        `unknown task ${taskId}: this driver host (up since ${hostStartedAt}) never ran it, or forgot it a while after it ended; the meta file beside its data file holds its final state`,
      );
    return record;
  }

  all(): IterableIterator<TaskRecord> {
    return this.records.values();
  }

  /** The task running on a channel, or still starting or stopping its instrument. */
  busyOn(key: string): TaskRecord | undefined {
    for (const record of this.records.values())
      if (record.key === key && !isFinal(record.state)) return record;
    return undefined;
  }

  /** Before a new task on `key`: forgets the tasks that ended over a day ago, and the oldest finished on `key`. */
  pruneFinished(key: string): void {
    const now = this.now();
    const finishedHere: TaskRecord[] = [];
    for (const [taskId, record] of this.records) {
      if (!isFinal(record.state)) continue;
      if (now - (record.endedAt ?? now) > this.ttlMs) this.records.delete(taskId);
      else if (record.key === key) finishedHere.push(record);
    }
    finishedHere.sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
    for (const record of finishedHere.slice(this.keptPerComponent - 1))
      this.records.delete(record.task.taskId);
  }
}
