/** Small helpers the benchmarks share. */
import { readFileSync } from "node:fs";

/** Polls `probe` every 20 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** user+system CPU seconds of a process, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1] ?? "").split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
