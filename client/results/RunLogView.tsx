/** The run log: what `basic.Log` wrote and the modules' errors, filterable by module and level. */
import { useId, useMemo, useState } from "react";
import { useRunLog } from "./useRunLog.js";

const LEVELS = ["info", "warn", "error"] as const;

function time(at: string): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toLocaleTimeString();
}

interface RunLogViewProps {
  runId: string;
  /** Show this module's entries first (the filter can still be changed). */
  moduleId?: string;
}

export function RunLogView({ runId, moduleId: initialModule }: RunLogViewProps) {
  const { entries, error } = useRunLog(runId);
  const [module, setModule] = useState(initialModule ?? "");
  const [level, setLevel] = useState("");
  const moduleId = useId();
  const levelId = useId();
  const modules = useMemo(
    () =>
      [
        ...new Set([
          ...(initialModule ? [initialModule] : []),
          ...entries.flatMap((e) => (e.moduleId ? [e.moduleId] : [])),
        ]),
      ].sort(),
    [entries, initialModule],
  );
  const shown = entries.filter(
    (e) =>
      (module === "" || e.moduleId === module) &&
      (level === "" || LEVELS.indexOf(e.level) >= LEVELS.indexOf(level as (typeof LEVELS)[number])),
  );
  return (
    <section className="lf-run-log" aria-label="Run log">
      <h3>Run log</h3>
      <div className="lf-run-log-filters">
        <label htmlFor={moduleId}>Module</label>
        <select id={moduleId} value={module} onChange={(e) => setModule(e.target.value)}>
          <option value="">all</option>
          {modules.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
        <label htmlFor={levelId}>Level</label>
        <select id={levelId} value={level} onChange={(e) => setLevel(e.target.value)}>
          <option value="">all</option>
          <option value="warn">warnings and errors</option>
          <option value="error">errors</option>
        </select>
      </div>
      {error && <p className="lf-error-text">{error}</p>}
      {shown.length === 0 ? (
        <p className="lf-log-empty">
          {entries.length === 0 ? "Nothing logged in this run." : "No entry fits the filter."}
        </p>
      ) : (
        <ol aria-label="Log entries">
          {shown.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: entries are only appended, never reordered
            <li key={`${e.at}:${i}`} data-level={e.level} data-module={e.moduleId}>
              <span className="lf-muted">{time(e.at)}</span>{" "}
              {e.level !== "info" && <strong>{e.level} </strong>}
              {e.moduleId && <span className="lf-json-key">{e.moduleId}: </span>}
              {e.message}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
