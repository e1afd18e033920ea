/**
 * The settings people change from the Job Monitor, as kept in the Store (`settings` table), so that
 * a restart of the server keeps them.
 */
import type { Store } from "../engine/store.js";
import { CheckIntervalSetting, type Settings } from "../schema/api.js";

export const SETTING_KEYS = { checkInterval: "checkInterval", autoResume: "autoResume" } as const;

/** The global check interval people last chose, or undefined (never chosen, or unreadable). */
export function storedCheckInterval(store: Store): Settings["checkInterval"] | undefined {
  const parsed = CheckIntervalSetting.safeParse(store.getSetting(SETTING_KEYS.checkInterval));
  return parsed.success ? parsed.data : undefined;
}

/** The default auto-resume of new runs people last chose (on when never chosen). */
export function storedAutoResume(store: Store): boolean {
  const value = store.getSetting(SETTING_KEYS.autoResume);
  return typeof value === "boolean" ? value : true;
}
