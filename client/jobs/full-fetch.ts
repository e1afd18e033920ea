/**
 * The Job Monitor's full fetch after each (re)connection: every job, the recent runs and the
 * settings. A failed fetch is retried with backoff while the connection lasts, so the panel never
 * stays stale while it says live; settings told by an event since the fetch began win over its answer.
 */

import type { Settings as MonitorSettings } from "../../server/schema/api.js";
import type { JobView } from "../../server/schema/views.js";
import type { RunInfo } from "./job-types.js";
import type { MonitorModel } from "./monitor-model.js";

export interface FullFetchAnswer {
  jobs: JobView[];
  runs: RunInfo[];
  settings: MonitorSettings;
}

export interface FullFetchOptions {
  model: MonitorModel;
  load(): Promise<FullFetchAnswer>;
  /** The answer went into the model; `settings` is absent when an event told newer ones. */
  onLoaded(answer: FullFetchAnswer, settings: MonitorSettings | undefined): void;
  /** The wait before retry number `attempt` (1, 2...). */
  retryDelayMs?(attempt: number): number;
}

/** 1 s, 2 s, 4 s... up to 30 s. */
const backoff = (attempt: number) => Math.min(30_000, 1_000 * 2 ** (attempt - 1));

export class FullFetch {
  private seq = 0;
  private settingsSeen = 0;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: FullFetchOptions) {}

  /** A (re)connection: fetch everything again. */
  connected(): void {
    this.failures = 0;
    void this.run();
  }

  /** The connection closed (or the panel went away): no answer or retry of a fetch under way counts. */
  disconnected(): void {
    this.seq++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  /** A `settings` event arrived: it is newer than the settings of any fetch under way. */
  settingsArrived(): void {
    this.settingsSeen++;
  }

  private async run(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const mine = ++this.seq;
    const settingsBefore = this.settingsSeen;
    const { model } = this.options;
    model.beginFetch();
    let answer: FullFetchAnswer;
    try {
      answer = await this.options.load();
    } catch {
      if (mine !== this.seq) return;
      model.abandonFetch();
      this.failures++;
      const delay = (this.options.retryDelayMs ?? backoff)(this.failures);
      this.retry = setTimeout(() => void this.run(), delay);
      return;
    }
    if (mine !== this.seq) return;
    this.failures = 0;
    model.endFetch(answer.jobs, answer.runs);
    this.options.onLoaded(answer, this.settingsSeen === settingsBefore ? answer.settings : undefined);
  }
}
