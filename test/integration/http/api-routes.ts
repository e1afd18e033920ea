/** Every route of the API (docs/api.md), with ids filled in: what the security and fuzz tests walk. */
export interface ApiRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** `:id` and `:name` stand for a path segment the tests fill in. */
  path: string;
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: "GET", path: "/api/health" },
  { method: "GET", path: "/api/modules" },
  { method: "GET", path: "/api/workflows" },
  { method: "GET", path: "/api/workflows/:name" },
  { method: "PUT", path: "/api/workflows/:name" },
  { method: "DELETE", path: "/api/workflows/:name" },
  { method: "POST", path: "/api/runs" },
  { method: "GET", path: "/api/runs" },
  { method: "GET", path: "/api/runs/:id" },
  { method: "DELETE", path: "/api/runs/:id" },
  { method: "GET", path: "/api/runs/:id/log" },
  { method: "GET", path: "/api/runs/:id/files" },
  { method: "GET", path: "/api/runs/:id/file-info" },
  { method: "POST", path: "/api/runs/:id/cancel" },
  { method: "POST", path: "/api/runs/:id/resume" },
  { method: "POST", path: "/api/runs/:id/check-all" },
  { method: "POST", path: "/api/runs/:id/pause-all" },
  { method: "POST", path: "/api/runs/:id/resume-checks" },
  { method: "GET", path: "/api/jobs" },
  { method: "GET", path: "/api/jobs/:id" },
  { method: "DELETE", path: "/api/jobs/:id" },
  { method: "POST", path: "/api/jobs/:id/check" },
  { method: "POST", path: "/api/jobs/:id/pause" },
  { method: "POST", path: "/api/jobs/:id/resume" },
  { method: "POST", path: "/api/jobs/:id/cancel" },
  { method: "PUT", path: "/api/jobs/:id/interval" },
  { method: "GET", path: "/api/jobs/:id/data" },
  { method: "GET", path: "/api/jobs/:id/log" },
  { method: "GET", path: "/api/jobs/:id/files" },
  { method: "GET", path: "/api/jobs/:id/file-info" },
  { method: "GET", path: "/api/pipelines" },
  { method: "GET", path: "/api/pipelines/:name" },
  { method: "POST", path: "/api/pipelines/:name/load" },
  { method: "POST", path: "/api/pipelines/:name/eject" },
  { method: "POST", path: "/api/pipelines/:name/ready" },
  { method: "GET", path: "/api/settings" },
  { method: "PUT", path: "/api/settings" },
];

/** The route's path with its placeholders replaced by `segment` (encoded). */
export function fillRoute(route: ApiRoute, segment: string): string {
  return route.path.replace(/:id|:name/g, encodeURIComponent(segment));
}
