import { z } from "zod";
import { defineModule } from "../../modules/sdk/define-module.js";
import { port } from "../../modules/sdk/port.js";

/** One piece of outside work (a process, a cluster job), as the world outside the server sees it. */
export interface Work {
  jobId: string;
  signatureKey: string;
  state: "running" | "finished" | "failed" | "cancelled";
  /** Checks throw while set (the cluster does not answer). */
  unreachable: boolean;
  /** While running, its progress moves with time (a timer's): answers carry a progress clock. */
  clocked?: boolean;
  cancels: number;
}

/** A start the test holds in flight until it releases it. */
interface HeldStart {
  epoch: number;
  release: () => void;
}

/**
 * The world outside labflow for lifecycle tests: work that survives any crash of the server, keyed
 * by the job id given to `start` (the idempotency key). Each server "process" has an epoch; a
 * process that crashed (an older epoch) does nothing more: its starts, checks and cancels never
 * answer, as a dead process's would not.
 */
export class WorkWorld {
  epoch = 0;
  readonly works = new Map<string, Work>();
  /** `start` calls per job id in each epoch: more than one in one epoch is a double start. */
  readonly startCalls = new Map<string, number>();
  /** Works that ran at the same time for one signature: must never exceed one. */
  maxConcurrentPerSignature = 0;
  private held: HeldStart[] = [];

  /** A new world for the next history (processes of the last one are dead). */
  reset(): void {
    this.epoch++;
    this.works.clear();
    this.startCalls.clear();
    this.maxConcurrentPerSignature = 0;
    this.held = [];
  }

  /** Releases every start held by the living process. */
  releaseStarts(): void {
    const held = this.held.filter((h) => h.epoch === this.epoch);
    this.held = this.held.filter((h) => h.epoch !== this.epoch);
    for (const h of held) h.release();
  }

  get heldStarts(): number {
    return this.held.filter((h) => h.epoch === this.epoch).length;
  }

  running(): Work[] {
    return [...this.works.values()].filter((w) => w.state === "running");
  }

  /** A promise a dead process waits on forever. */
  private hang<T>(): Promise<T> {
    return new Promise<T>(() => {});
  }

  module() {
    return defineModule({
      type: "test.Work",
      version: 1,
      label: "Work",
      description: "Outside work the test controls.",
      inputs: {},
      outputs: { value: port.number() },
      params: z.object({ n: z.number(), slow: z.boolean().default(false) }),
      job: {
        state: z.object({ key: z.string(), n: z.number() }),
        start: async (ctx) => {
          const epoch = this.epoch;
          const key = `${epoch}:${ctx.jobId}`;
          this.startCalls.set(key, (this.startCalls.get(key) ?? 0) + 1);
          if (ctx.params.slow) await new Promise<void>((release) => this.held.push({ epoch, release }));
          if (this.epoch !== epoch) return this.hang();
          // Idempotent by key: a start after a crash finds the earlier submission.
          if (!this.works.has(ctx.jobId)) {
            const signatureKey = `${ctx.params.n}:${ctx.params.slow}`;
            this.works.set(ctx.jobId, {
              jobId: ctx.jobId,
              signatureKey,
              state: "running",
              unreachable: false,
              cancels: 0,
            });
            const concurrent = this.running().filter((w) => w.signatureKey === signatureKey).length;
            this.maxConcurrentPerSignature = Math.max(this.maxConcurrentPerSignature, concurrent);
          }
          return { key: ctx.jobId, n: ctx.params.n };
        },
        handle: ({ key }) => {
          const epoch = this.epoch;
          const work = () => this.works.get(key);
          return {
            check: async () => {
              if (this.epoch !== epoch) return this.hang();
              const w = work();
              if (!w) throw new Error(`no work ${key}`);
              if (w.unreachable) throw new Error("unreachable");
              if (w.state === "finished") return { status: "finished" as const };
              if (w.state === "failed") return { status: "failed" as const, message: "the work failed" };
              if (w.state === "cancelled") return { status: "failed" as const, message: "cancelled outside" };
              if (w.clocked) {
                const now = Date.now();
                return {
                  status: "running" as const,
                  progressClock: { startedAt: now - 1_000, endsAt: now + 60_000 },
                  nextCheckMs: 60_000,
                };
              }
              return { status: "running" as const };
            },
            cancel: async () => {
              if (this.epoch !== epoch) return this.hang();
              const w = work();
              if (!w) return;
              w.cancels++;
              if (w.state === "running") w.state = "cancelled";
            },
          };
        },
        setResults: ({ n }) => ({ value: n }),
      },
    });
  }
}
