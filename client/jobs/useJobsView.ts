/**
 * Where the Job Monitor shows: closed, beside the canvas, or as its own page (`/?view=jobs`, or
 * the path `/jobs`). The page is in the URL (a link or a reload keeps it); the side panel being
 * open is remembered in the browser.
 */
import { useCallback, useEffect, useState } from "react";

export type JobsView = "closed" | "side" | "page";

const SIDE_KEY = "labflow-jobs-panel";

function viewFromLocation(): JobsView {
  const page = new URLSearchParams(location.search).get("view") === "jobs" || location.pathname === "/jobs";
  if (page) return "page";
  try {
    return localStorage.getItem(SIDE_KEY) === "open" ? "side" : "closed";
  } catch {
    return "closed";
  }
}

export function useJobsView(): [JobsView, (view: JobsView) => void] {
  const [view, setView] = useState(viewFromLocation);

  useEffect(() => {
    const onPop = () => setView(viewFromLocation());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const change = useCallback((next: JobsView) => {
    const url = new URL(location.href);
    if (next === "page") url.searchParams.set("view", "jobs");
    else url.searchParams.delete("view");
    if (url.pathname === "/jobs" && next !== "page") url.pathname = "/";
    if (url.href !== location.href) history.pushState(null, "", url);
    try {
      if (next !== "page") localStorage.setItem(SIDE_KEY, next === "side" ? "open" : "closed");
    } catch {
      // storage disabled: the panel just starts closed next time
    }
    setView(next);
  }, []);

  return [view, change];
}
