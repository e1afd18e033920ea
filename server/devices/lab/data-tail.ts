import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { dataFileOf, readReadings, readUnits } from "../../../modules/sdk/instrument-data.js";
import type { AppEvents } from "../../app-events.js";
import type { EngineEvents } from "../../engine/engine-events.js";
import type { JobRecord } from "../../engine/records.js";
import { isFinishedJob } from "../../schema/states.js";

/** The job modules whose data files are tailed. */
export const DATA_JOB_TYPES: ReadonlySet<string> = new Set(["instruments.Task"]);

export interface DataTailOptions {
  /** The application bus: `job.data` events are told here, and only while it has listeners. */
  events: AppEvents;
  /**
   * The engine's bus, where job changes are heard (jobs alone: the engine then still skips the
   * module events nobody receives); apart from `events`, so that following jobs does not count as
   * listening to the data (which is then skipped, unparsed, until someone does).
   */
  jobEvents: EngineEvents;
  jobDir(job: Pick<JobRecord, "id" | "runId">): string;
  /** How often data files are looked at. */
  intervalMs?: number;
  /** Bytes of the data file per event at most: a long backlog goes out as several events. */
  maxBytesPerEvent?: number;
  /** Bytes of one file read per poll at most (default 4 events): a backlog is caught up over polls. */
  maxBytesPerPoll?: number;
}

interface Tailed {
  runId: string;
  jobId: string;
  file: string;
  jobDir: string;
  offset: number;
  units?: Record<string, string>;
  /** The job ended: one last read, then it is dropped. */
  ending: boolean;
}

/**
 * Live data: follows the data file of every running instrument job and tells listeners (the
 * WebSocket hub) of new readings as `job.data` events, in batches, in file order, with byte offsets
 * so a client can join a history it fetched and notice a gap. The driver host writes the file; this
 * only reads what was appended since the last look (complete lines only).
 */
export class JobDataTail {
  private readonly tailed = new Map<string, Tailed>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;

  constructor(private readonly options: DataTailOptions) {
    this.stopListening = options.jobEvents.onJob((job) => {
      if (DATA_JOB_TYPES.has(job.moduleType)) this.follow(job);
    });
    this.timer = setInterval(() => this.poll(), options.intervalMs ?? 200);
    this.timer.unref();
  }

  /**
   * Starts following a job (a running one found at start), or marks it ending. Following starts at
   * the current end of its file: what is already there is history, which clients fetch through
   * `GET /api/jobs/:id/data` (after a restart, a week of readings is not re-sent to everyone).
   */
  follow(job: JobRecord): void {
    const known = this.tailed.get(job.id);
    if (isFinishedJob(job.state)) {
      if (known) known.ending = true;
      return;
    }
    if (known || job.state !== "running") return;
    const jobDir = this.options.jobDir(job);
    this.tailed.set(job.id, {
      runId: job.runId,
      jobId: job.id,
      jobDir,
      file: dataFileOf(jobDir),
      offset: lastLineEnd(dataFileOf(jobDir), 0),
      ending: false,
    });
  }

  /** Reads what is new in every followed file now (the timer does it every interval). */
  poll(): void {
    const listening = this.options.events.hasListeners;
    for (const entry of this.tailed.values()) {
      const before = entry.offset;
      try {
        if (listening) this.emitNew(entry);
        else entry.offset = lastLineEnd(entry.file, entry.offset);
      } catch (error) {
        console.error(`labflow: reading the data of job ${entry.jobId} failed:`, error);
      }
      // An ended job is dropped once a poll finds nothing more (a backlog takes a few polls).
      if (entry.ending && entry.offset === before) this.tailed.delete(entry.jobId);
    }
  }

  get followedCount(): number {
    return this.tailed.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.stopListening();
  }

  private emitNew(entry: Tailed): void {
    const perEvent = this.options.maxBytesPerEvent ?? 512 * 1024;
    const stopAt = entry.offset + (this.options.maxBytesPerPoll ?? 4 * perEvent);
    while (entry.offset < stopAt) {
      const chunk = readReadings(entry.file, entry.offset, Math.min(perEvent, stopAt - entry.offset));
      if (chunk.nextOffset === entry.offset) return;
      if (!entry.units || Object.keys(entry.units).length === 0) entry.units = readUnits(entry.jobDir);
      this.options.events.emit({
        type: "job.data",
        runId: entry.runId,
        jobId: entry.jobId,
        offset: entry.offset,
        nextOffset: chunk.nextOffset,
        units: entry.units,
        readings: chunk.readings,
      });
      entry.offset = chunk.nextOffset;
    }
  }
}

/** The end of the last complete line after `offset`, without parsing: skips data nobody listens to. */
function lastLineEnd(file: string, offset: number): number {
  if (!existsSync(file)) return offset;
  const size = statSync(file).size;
  if (size <= offset) return offset;
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(Math.min(64 * 1024, size - offset));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    const end = buffer.lastIndexOf(0x0a);
    return end < 0 ? offset : size - buffer.length + end + 1;
  } finally {
    closeSync(fd);
  }
}
