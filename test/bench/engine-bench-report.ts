/**
 * The engine figures as printed: the median of several rounds of every case and of the raw-insert
 * floor measured in the same rounds, wall and CPU, per module, and each case's ratio to the floor.
 */
import { loadAverage, medianOfRuns } from "./bench-helpers.js";
import { engineBenchRound, rawInsertFloor, type Timing } from "./engine-bench.js";

const FLOOR = "raw inserts, one transaction";
const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(8);

/** Rounds: LABFLOW_BENCH_ROUNDS, default 5 (at least 3: one run is an anecdote). */
export async function engineBenchReport(root: string, n = 10_000): Promise<string[]> {
  const rounds = Number(process.env.LABFLOW_BENCH_ROUNDS ?? 5);
  const lines = [`\nengine, ${n}-module DAGs of trivial modules (including SQLite persistence):`];
  const { median, runs } = await medianOfRuns(rounds, async (round) => {
    const load = Number(loadAverage().split(" ")[1]);
    const figures = {
      ...(await engineBenchRound(root, round, n)),
      ...(await rawInsertFloor(root, round, n)),
    };
    const flat: Record<string, number> = { load };
    for (const [name, t] of Object.entries(figures)) {
      flat[`${name}|ms`] = t.ms;
      flat[`${name}|cpu`] = t.cpuMs;
    }
    return flat;
  });
  const loads = runs.map((r) => (r.load as number).toFixed(2)).join(" ");
  lines.push(`  median of ${runs.length} rounds; 1-minute load average at each round: ${loads}`);
  lines.push(
    `  ${"case".padEnd(30)} ${"wall ms".padStart(8)} ${"CPU ms".padStart(8)} ${"wall us/mod".padStart(11)} ${"CPU us/mod".padStart(10)}  ${"x floor (wall, CPU)"}`,
  );
  const at = (name: string): Timing => ({
    ms: median[`${name}|ms`] as number,
    cpuMs: median[`${name}|cpu`] as number,
  });
  const floor = at(FLOOR);
  const names = Object.keys(median)
    .filter((k) => k.endsWith("|ms"))
    .map((k) => k.slice(0, -3));
  for (const name of names) {
    const t = at(name);
    const ratio = name.startsWith("raw")
      ? ""
      : `  ${fmt(t.ms / floor.ms, 2)} ${fmt(t.cpuMs / floor.cpuMs, 2)}`;
    lines.push(
      `  ${name.padEnd(30)} ${fmt(t.ms)} ${fmt(t.cpuMs)} ${fmt((t.ms * 1000) / n, 2).padStart(11)} ${fmt((t.cpuMs * 1000) / n, 2).padStart(10)}${ratio}`,
    );
  }
  lines.push(`  targets: cached <= 2x the floor, cold <= 4x the floor (per module; ${loadAverage()} now)`);
  return lines;
}
