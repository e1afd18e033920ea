import type Database from "better-sqlite3";
import { StoreError } from "./store-error.js";

/** Where a write goes, to name it when it fails: formatted only then, so queuing stays cheap. */
export interface WriteTarget {
  table: string;
  /** Renders the row's key from the write's parameters, e.g. `run "r1", module "m2"`. */
  key(params: readonly unknown[]): string;
}

/** A write's parameters, or a function giving them when the group commits (a batch still growing). */
export type WriteParams = unknown[] | (() => unknown[]);

/** What runs a write: a prepared statement, or several (a batch of rows split into multi-row INSERTs). */
export interface WriteStatement {
  run(params: unknown[]): unknown;
}

interface QueuedWrite {
  target: WriteTarget;
  statement: WriteStatement;
  params: WriteParams;
}

/**
 * Group commit: writes are queued and committed together, in order, in ONE transaction at the end of
 * the current turn of the event loop (setImmediate), or at once by `commit()`.
 *
 * One transaction per turn instead of one per write is what makes thousands of module updates a
 * second affordable: a commit costs far more than a prepared statement's run.
 *
 * A group is all-or-nothing: when a write fails the transaction is rolled back and the whole group
 * dropped, so the database never holds half of it. The failure goes to the caller of `commit()`; a
 * group committed at the end of a turn has no caller, so its failure is kept and thrown by the next
 * `commit()`.
 */
export class GroupCommit {
  private queue: QueuedWrite[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private backgroundFailure: StoreError | undefined;
  private groupNumber = 0;
  private readonly commitInTransaction: Database.Transaction<(writes: QueuedWrite[]) => void>;

  constructor(db: Database.Database) {
    this.commitInTransaction = db.transaction((writes: QueuedWrite[]) => {
      let index = 0;
      try {
        for (; index < writes.length; index++) {
          const write = writes[index] as QueuedWrite;
          if (typeof write.params === "function") write.params = write.params();
          write.statement.run(write.params);
        }
      } catch (error) {
        throw failedWrite(writes[index], writes.length, error);
      }
    });
  }

  /**
   * The group that writes queued now will commit in; it changes when a group is taken to commit (or
   * dropped), so a batch that belongs to an earlier group is never added to again.
   */
  get group(): number {
    return this.groupNumber;
  }

  /** Queues a write for the end of this turn. */
  enqueue(target: WriteTarget, statement: WriteStatement, params: WriteParams): void {
    this.queue.push({ target, statement, params });
    this.scheduled ??= setImmediate(() => this.commitAtEndOfTurn());
  }

  /** Commits every queued write now; throws the failure of this group, or of an earlier background one. */
  commit(): void {
    if (this.scheduled) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const writes = this.queue;
    if (writes.length > 0) {
      // Dropped before running: after a failure nothing of this group is retried or kept.
      this.queue = [];
      this.groupNumber++;
      this.commitGroup(writes);
    }
    const failure = this.backgroundFailure;
    if (failure) {
      this.backgroundFailure = undefined;
      throw failure;
    }
  }

  /** Forgets queued writes without committing them (the store is closing after a failure). */
  discard(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.queue = [];
    this.groupNumber++;
  }

  private commitAtEndOfTurn(): void {
    this.scheduled = undefined;
    const writes = this.queue;
    if (writes.length === 0) return;
    this.queue = [];
    this.groupNumber++;
    try {
      this.commitGroup(writes);
    } catch (error) {
      // No caller to tell now: the next commit() (a flush or a read) reports the first such failure.
      this.backgroundFailure ??= error as StoreError;
    }
  }

  private commitGroup(writes: QueuedWrite[]): void {
    try {
      // IMMEDIATE takes the write lock up front, so a reader elsewhere cannot make the commit fail halfway.
      this.commitInTransaction.immediate(writes);
    } catch (error) {
      throw error instanceof StoreError ? error : failedWrite(undefined, writes.length, error);
    }
  }
}

function failedWrite(write: QueuedWrite | undefined, groupSize: number, cause: unknown): StoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const params = typeof write?.params === "function" ? [] : write?.params;
  const place = write && params ? `${write.target.table} (${write.target.key(params)})` : "the store";
  const dropped = groupSize > 1 ? `; the ${groupSize} writes committed with it were rolled back` : "";
  return new StoreError("store_write_failed", `cannot write ${place}: ${reason}${dropped}`, { cause });
}
