/**
 * The job side of the SDK: what a long-running module hands the engine so that the work can be
 * checked, cancelled and finished later, by a server process that may not be the one that started it.
 * Everything a handle needs is in its JSON params (suspension is data).
 */

import type { ModuleServices } from "./instruments.js";
import type { LogChunk } from "./log-chunk.js";

export type { LogChunk } from "./log-chunk.js";

/** One answer of `check()`. */
export interface JobCheck {
  /** `waiting`: queued for a device or pipeline (tomato's qw). */
  status: "waiting" | "running" | "finished" | "failed";
  /** 0..1 where the handle can tell. */
  progress?: number;
  message?: string;
  /**
   * Nothing a check answers can change before this many ms (a timer knows its deadline): the monitor
   * checks again then, sooner or later than the interval. Leave it out when the work may change at
   * any time. A person's check-now still checks at once.
   */
  nextCheckMs?: number;
  /**
   * Progress that is a function of time alone: 0 at `startedAt`, 1 at `endsAt` (ms epoch), straight
   * between. The monitor and the client show it moving without checking the job, so the handle's
   * `nextCheckMs` can be its end: nothing else changes before then.
   */
  progressClock?: ProgressClock;
}

/** Progress moving from 0 at `startedAt` to 1 at `endsAt` (ms epoch), straight between. */
export interface ProgressClock {
  startedAt: number;
  endsAt: number;
}

/** Rebuilt from persisted params alone; never holds state the params do not. */
export interface JobHandle {
  check(): Promise<JobCheck>;
  stdout?(offset: number): Promise<LogChunk>;
  stderr?(offset: number): Promise<LogChunk>;
  /**
   * Stops the real work. Called once a person or a run cancels the job (`cancelled`), or, as a
   * best effort, when the monitor failed the job because its checks kept failing (`failed`).
   */
  cancel?(reason?: "cancelled" | "failed"): Promise<void>;
}

/** Where a job keeps its files; the same for every process that handles the job. */
export interface JobEnvironment {
  jobId: string;
  jobDir: string;
  /** What the server lends modules (instruments...); absent pieces are not configured. */
  services?: ModuleServices;
}

/** Builds a handle from persisted params. Throws when the params are not understood. */
export type HandleFactory = (params: unknown, env: JobEnvironment) => JobHandle;

/** The persisted form of a suspension: a registered handle kind and its JSON params. */
export interface HandleDescriptor {
  kind: string;
  params: unknown;
}
