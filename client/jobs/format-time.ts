/** Times as the Job Monitor shows them: clock times, durations and "in 3 s" / "5 s ago". Pure. */

/** `1 h 02 min`, `3 min 05 s`, `12 s`, `0.4 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${(abs / 1_000).toFixed(1)} s`;
  const s = Math.floor(abs / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** `5 s ago` for a past time, `in 3 s` for a future one (relative to `now`). */
export function relativeTime(iso: string | undefined, now: number): string {
  if (!iso) return "-";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "-";
  const delta = at - now;
  if (Math.abs(delta) < 500) return "now";
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

/** The local clock time (`14:03:07`), with the date when it is not today. */
export function clockTime(iso: string | undefined, now: number): string {
  if (!iso) return "-";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "-";
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return date.toDateString() === new Date(now).toDateString()
    ? time
    : `${date.toLocaleDateString([], { month: "short", day: "numeric" })} ${time}`;
}

/** How long a job has run: from its start (or submission) to its end, or to now while it goes on. */
export function elapsed(job: { submittedAt: string; startedAt?: string; finishedAt?: string }, now: number) {
  const from = Date.parse(job.startedAt ?? job.submittedAt);
  const to = job.finishedAt ? Date.parse(job.finishedAt) : now;
  return formatDuration(Math.max(0, to - from));
}
