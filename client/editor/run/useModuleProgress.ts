/**
 * A suspended module's progress as the canvas shows it: from its job's clock while the job's
 * progress moves with time (a timer: no checks or events until its end), refreshed every second;
 * else from the last check. Other modules start no timer.
 */
import { useEffect, useState } from "react";
import { clockProgress } from "../../../server/schema/views.js";
import type { ModuleRunState } from "../../platform/api/runs.js";

export function useModuleProgress(run: ModuleRunState | undefined): number | undefined {
  const clock = run?.status === "suspended" ? run.progressClock : undefined;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!clock) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [clock]);
  if (!clock) return run?.progress;
  const startedAt = Date.parse(clock.startedAt);
  const endsAt = Date.parse(clock.endsAt);
  if (Number.isNaN(startedAt) || Number.isNaN(endsAt)) return run?.progress;
  return clockProgress(startedAt, endsAt, now);
}
