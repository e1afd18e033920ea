import { DueQueue } from "./due-queue.js";

/** How early a job may be checked so that checks due close together share one wake-up. */
const BATCH_SLACK_MS = 10;
/** setTimeout fires at once for longer delays (they overflow a 32-bit int): wake up and look again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When each followed job is checked next: one timer for all of them, a bound on checks in flight,
 * and checks due within a few ms of each other run in one wake-up. It knows ids and times only; the
 * monitor decides what a check is and when a job is due.
 */
export class CheckSchedule {
  private readonly due = new DueQueue();
  private readonly dueAtById = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  private stopped = false;

  /**
   * @param startCheck called for each job whose time came, while fewer than `maxInFlight` checks
   *   run; it calls `checkBegan` and `checkEnded` around the check.
   */
  constructor(
    private readonly startCheck: (id: string) => void,
    private readonly maxInFlight: number,
  ) {}

  /** Checks `id` after `delayMs`, replacing its earlier time; undefined: no automatic check. */
  set(id: string, delayMs: number | undefined): void {
    if (delayMs === undefined || this.stopped) {
      this.dueAtById.delete(id);
      return;
    }
    const at = Date.now() + delayMs;
    this.dueAtById.set(id, at);
    this.due.push(at, id);
    this.arm();
  }

  /** When `id` is checked next (ms epoch), if it is scheduled. */
  dueAt(id: string): number | undefined {
    return this.dueAtById.get(id);
  }

  checkBegan(): void {
    this.inFlight++;
  }

  checkEnded(): void {
    this.inFlight--;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAtById.clear();
  }

  private arm(): void {
    const next = this.due.peekTime();
    if (next === undefined || this.stopped || next >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    // Not unref'd: a process waiting on jobs must stay alive for them; stop() ends the timer.
    this.timer = setTimeout(() => this.onTimer(), Math.min(MAX_TIMER_MS, Math.max(0, next - Date.now())));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    const now = Date.now() + BATCH_SLACK_MS;
    while (this.inFlight < this.maxInFlight) {
      const soonest = this.due.peekTime();
      if (soonest === undefined || soonest > now) break;
      const { at, id } = this.due.pop() as { at: number; id: string };
      // Stale entries (rescheduled, paused or dropped since) are skipped.
      if (this.dueAtById.get(id) !== at) continue;
      this.dueAtById.delete(id);
      this.startCheck(id);
    }
    // At the bound, the next wake-up comes when a check ends.
    if (this.inFlight >= this.maxInFlight && (this.due.peekTime() ?? Number.POSITIVE_INFINITY) <= now) return;
    this.arm();
  }
}
