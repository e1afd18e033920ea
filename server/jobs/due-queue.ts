/**
 * The monitor's schedule: (time, job id) pairs, taken out earliest first. Times are grouped in
 * slots of SLOT_MS, kept in a map, with a small min-heap of the slots in use: pushing costs a map
 * look-up, not a heap walk per job, so 10,000 jobs checked every second cost little to schedule.
 * Entries are never removed early; a stale one (the job was rescheduled or dropped) is recognised by
 * its caller when it comes out and ignored.
 */
const SLOT_MS = 10;

interface Slot {
  times: number[];
  ids: string[];
  next: number;
}

export class DueQueue {
  private readonly slots = new Map<number, Slot>();
  private readonly heap: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(at: number, id: string): void {
    const key = Math.floor(at / SLOT_MS);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { times: [], ids: [], next: 0 };
      this.slots.set(key, slot);
      this.heapPush(key);
    }
    slot.times.push(at);
    slot.ids.push(id);
    this.count++;
  }

  /** About the earliest time in the queue (the start of its slot), or undefined when it is empty. */
  peekTime(): number | undefined {
    const key = this.heap[0];
    return key === undefined ? undefined : key * SLOT_MS;
  }

  pop(): { at: number; id: string } | undefined {
    const key = this.heap[0];
    if (key === undefined) return undefined;
    const slot = this.slots.get(key) as Slot;
    const at = slot.times[slot.next] as number;
    const id = slot.ids[slot.next] as string;
    slot.next++;
    this.count--;
    if (slot.next === slot.ids.length) {
      this.slots.delete(key);
      this.heapPop();
    }
    return { at, id };
  }

  private heapPush(key: number): void {
    const heap = this.heap;
    heap.push(key);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as number) <= key) break;
      heap[i] = heap[parent] as number;
      i = parent;
    }
    heap[i] = key;
  }

  private heapPop(): void {
    const heap = this.heap;
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
      if ((heap[child] as number) >= last) break;
      heap[i] = heap[child] as number;
      i = child;
    }
    heap[i] = last;
  }
}
