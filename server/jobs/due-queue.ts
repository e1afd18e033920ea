/**
 * A min-heap of (time, id): the monitor's schedule. Entries are never removed early; a stale entry
 * (the job was rescheduled or dropped) is recognised by its caller when it comes due and ignored.
 * Pushing and popping cost O(log n), so 10,000 jobs cost nothing while they wait.
 */
export class DueQueue {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(at: number, id: string): void {
    this.times.push(at);
    this.ids.push(id);
    this.up(this.times.length - 1);
  }

  /** The earliest time in the queue, or undefined when it is empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  pop(): { at: number; id: string } | undefined {
    if (this.times.length === 0) return undefined;
    const at = this.times[0] as number;
    const id = this.ids[0] as string;
    const lastTime = this.times.pop() as number;
    const lastId = this.ids.pop() as string;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.ids[0] = lastId;
      this.down(0);
    }
    return { at, id };
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.times[parent] as number) <= (this.times[i] as number)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.times.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && (this.times[left] as number) < (this.times[smallest] as number)) smallest = left;
      if (right < n && (this.times[right] as number) < (this.times[smallest] as number)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b] as number, this.times[a] as number];
    [this.ids[a], this.ids[b]] = [this.ids[b] as string, this.ids[a] as string];
  }
}
