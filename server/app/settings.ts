import type { Store } from "../engine/store.js";
import type { JobMonitor } from "../jobs/job-monitor.js";
import { SETTING_KEYS, storedAutoResume } from "../jobs/stored-settings.js";
import type { Settings, SettingsRequest } from "../schema/api.js";

/**
 * The server-wide settings people change from the Job Monitor, kept in the Store so that a restart
 * keeps them. The check interval lives in the monitor, which starts from the stored one unless
 * `serve --check-interval` says otherwise; the default auto-resume applies to runs started later.
 */
export class SettingsState {
  constructor(
    private readonly store: Store,
    private readonly monitor: JobMonitor,
    /** Tells every open Job Monitor, so that a change in one tab shows in the others. */
    private readonly onChange: (settings: Settings) => void = () => {},
  ) {}

  get(): Settings {
    return { checkInterval: this.monitor.checkInterval, autoResume: storedAutoResume(this.store) };
  }

  update(request: SettingsRequest): Settings {
    if (request.checkInterval !== undefined) {
      this.monitor.setGlobalInterval(request.checkInterval);
      this.store.putSetting(SETTING_KEYS.checkInterval, request.checkInterval);
    }
    if (request.autoResume !== undefined) this.store.putSetting(SETTING_KEYS.autoResume, request.autoResume);
    this.store.flush();
    const settings = this.get();
    this.onChange(settings);
    return settings;
  }
}
