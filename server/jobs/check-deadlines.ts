/**
 * Time limits for job checks without a timer per check: one sweep a second rejects every check
 * that is overdue. With 10,000 jobs checked each second, a setTimeout/clearTimeout pair per check
 * would cost more than the checks themselves.
 */
export class CheckDeadlines {
  private readonly watched = new Set<{
    deadline: number;
    timeoutMs: number;
    reject: (error: Error) => void;
  }>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly sweepEveryMs = 1_000) {}

  /** `work`, or a rejection once `timeoutMs` have passed without an answer. */
  watch<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { deadline: Date.now() + timeoutMs, timeoutMs, reject };
      this.watched.add(entry);
      this.ensureSweeper();
      work.then(
        (value) => {
          this.watched.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.watched.delete(entry);
          reject(error);
        },
      );
    });
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private ensureSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => {
      const now = Date.now();
      for (const entry of this.watched) {
        if (entry.deadline > now) continue;
        this.watched.delete(entry);
        entry.reject(new Error(`no answer within ${formatSeconds(entry.timeoutMs)}`));
      }
      if (this.watched.size === 0) this.stop();
    }, this.sweepEveryMs);
    // The sweep alone must not keep a process alive; the work it watches does that.
    this.sweeper.unref();
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
