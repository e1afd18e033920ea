import type { JobMonitor } from "../jobs/job-monitor.js";
import type { Settings, SettingsRequest } from "../schema/api.js";

/**
 * The server-wide settings people change from the Job Monitor. The check interval lives in the
 * monitor; the default auto-resume of new runs has no home in the runtime, so it is kept here, in
 * memory: a restart goes back to auto-resume on (and to the interval `serve` was started with).
 */
export class SettingsState {
  private autoResume = true;

  constructor(private readonly monitor: JobMonitor) {}

  get(): Settings {
    return { checkInterval: this.monitor.checkInterval, autoResume: this.autoResume };
  }

  update(request: SettingsRequest): Settings {
    if (request.checkInterval !== undefined) this.monitor.setGlobalInterval(request.checkInterval);
    if (request.autoResume !== undefined) this.autoResume = request.autoResume;
    return this.get();
  }
}
