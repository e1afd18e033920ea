/**
 * Picks a check interval: the presets (1 s ... 1 h), Off, the default, or a custom number of seconds
 * (checked as typed, applied with Enter or Set).
 */
import { useEffect, useId, useState } from "react";
import type { CheckIntervalSetting as CheckInterval } from "../../../server/schema/api.js";
import { INTERVAL_PRESETS, intervalChoice, parseSeconds } from "../check-intervals.js";

interface IntervalPickerProps {
  label: string;
  value: CheckInterval | null;
  /** Extra choices before the presets: `module-default` and `off` globally, `default` for a job. */
  special: { value: "module-default" | "off" | "default"; label: string }[];
  onChange(value: CheckInterval | null): void;
}

export function IntervalPicker({ label, value, special, onChange }: IntervalPickerProps) {
  const id = useId();
  const chosen = intervalChoice(value);
  const [custom, setCustom] = useState(chosen === "custom");
  const [text, setText] = useState(typeof value === "number" ? String(value / 1_000) : "");
  useEffect(() => {
    setCustom(intervalChoice(value) === "custom");
    if (typeof value === "number") setText(String(value / 1_000));
  }, [value]);
  const parsed = parseSeconds(text);
  const apply = () => {
    if ("ms" in parsed) onChange(parsed.ms);
  };
  return (
    <span className="lf-interval">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={custom ? "custom" : chosen}
        onChange={(e) => {
          const v = e.target.value;
          if (v === "custom") return setCustom(true);
          setCustom(false);
          onChange(v === "default" ? null : v === "off" || v === "module-default" ? v : Number(v));
        }}
      >
        {special.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
        {INTERVAL_PRESETS.map((p) => (
          <option key={p.ms} value={String(p.ms)}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <>
          <input
            className="lf-interval-seconds"
            aria-label={`${label}: seconds`}
            inputMode="decimal"
            value={text}
            aria-invalid={"error" in parsed}
            title={"error" in parsed ? parsed.error : "seconds"}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") apply();
            }}
          />
          <span className="lf-muted">s</span>
          <button type="button" onClick={apply} disabled={"error" in parsed}>
            Set
          </button>
        </>
      )}
    </span>
  );
}
