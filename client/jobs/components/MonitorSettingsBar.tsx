/** The monitor's settings: the global check interval, auto-resume, and browser notifications. */
import { useState } from "react";
import type { Settings as MonitorSettings } from "../../../server/schema/api.js";
import { askForNotifications, notificationAccess } from "../notifications.js";
import type { JobMonitorActions } from "../useJobMonitor.js";
import { IntervalPicker } from "./IntervalPicker.js";

const GLOBAL_SPECIAL = [
  { value: "module-default" as const, label: "Module default" },
  { value: "off" as const, label: "Off" },
];

export function MonitorSettingsBar({
  settings,
  actions,
}: {
  settings: MonitorSettings | undefined;
  actions: JobMonitorActions;
}) {
  const [access, setAccess] = useState(notificationAccess);
  if (!settings) return <div className="lf-jobs-settings lf-muted">Loading settings…</div>;
  return (
    <div className="lf-jobs-settings">
      <IntervalPicker
        label="Check every"
        value={settings.checkInterval}
        special={GLOBAL_SPECIAL}
        onChange={(v) => {
          if (v !== null) void actions.setCheckInterval(v);
        }}
      />
      <label
        className="lf-check"
        title="Applies to runs started after the change. Off: a finished job waits for you to resume its run"
      >
        <input
          type="checkbox"
          checked={settings.autoResume}
          onChange={(e) => void actions.setAutoResume(e.target.checked)}
        />
        Auto-resume
      </label>
      {access === "default" && (
        <button
          type="button"
          className="lf-link"
          onClick={() => void askForNotifications().then(setAccess)}
          title="Also tell me through the browser when a job completes or fails"
        >
          Notify me
        </button>
      )}
    </div>
  );
}
