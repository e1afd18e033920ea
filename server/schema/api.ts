/**
 * The HTTP API's request bodies and query strings, and the shapes of its answers and WebSocket
 * messages: shared by the server, the CLI and the client. Pure zod and types, no Node imports.
 * docs/api.md describes every route.
 */
import { z } from "zod";
import type { ModuleView, RunView } from "../engine/engine.js";
import type { EngineEvent } from "../engine/engine-events.js";
import type { JobState } from "../engine/records.js";
import type { RunSummary } from "../engine/store.js";
import type { Problem } from "./problem.js";

/** The shortest check interval the monitor accepts (server/jobs/check-interval.ts). */
export const MIN_INTERVAL_MS = 100;
/** A week: longer intervals would overflow Node's timers (about 24.8 days), and nobody needs them. */
export const MAX_INTERVAL_MS = 7 * 24 * 3_600_000;

/** Largest JSON body the server reads. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * A saved workflow's name, which is also its file name (`<name>.json`): letters, digits, `_ . -`,
 * not starting with a dot, so that it can never leave the workflows folder or hide a file.
 */
export const WorkflowName = z
  .string()
  .regex(
    /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/,
    "a workflow name has 1 to 100 letters, digits, _ . - and does not start with a dot",
  );

export const JOB_STATES = [
  "starting",
  "queued",
  "waiting",
  "running",
  "cancelling",
  "completed",
  "failed",
  "cancelled",
] as const satisfies readonly JobState[];

const IntervalMs = z.number().int().min(MIN_INTERVAL_MS).max(MAX_INTERVAL_MS);

/**
 * `POST /api/runs`: a document to run, or the name of a saved or example workflow. The document
 * itself is checked by the engine (problems naming module ids and ports), not here.
 */
export const StartRunRequest = z
  .strictObject({
    workflow: z.record(z.string(), z.unknown()).optional(),
    name: WorkflowName.optional(),
    /** Continue at once when a job finishes (default: the server's setting). */
    autoResume: z.boolean().optional(),
    /**
     * Start these modules' work afresh although it is unchanged (by default a job is never started
     * twice for the same work); the reason is recorded in the run log.
     */
    rerun: z
      .strictObject({
        modules: z.union([z.literal("all"), z.array(z.string().min(1).max(200)).min(1).max(10_000)]),
        reason: z.string().trim().min(1, "say why the work starts afresh").max(500),
      })
      .optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.workflow === undefined) === (body.name === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["workflow"],
        message: 'give exactly one of "workflow" (a document) and "name" (a saved workflow)',
      });
    }
  });
export type StartRunRequest = z.infer<typeof StartRunRequest>;

/** `PUT /api/jobs/:id/interval`: a job's own check interval; null goes back to the default. */
export const JobIntervalRequest = z.strictObject({ intervalMs: IntervalMs.nullable() });
export type JobIntervalRequest = z.infer<typeof JobIntervalRequest>;

/** `off`: checks only on request; `module-default`: each module's own interval. */
export const CheckIntervalSetting = z.union([z.enum(["module-default", "off"]), IntervalMs]);

/** `PUT /api/settings`: either field may be left out to keep its value. */
export const SettingsRequest = z
  .strictObject({
    checkInterval: CheckIntervalSetting.optional(),
    /** Default auto-resume of runs started without saying. */
    autoResume: z.boolean().optional(),
  })
  // An empty body changes nothing: most likely a client's mistake, worth telling.
  .refine((request) => request.checkInterval !== undefined || request.autoResume !== undefined, {
    message: "give checkInterval, autoResume or both",
  });
export type SettingsRequest = z.infer<typeof SettingsRequest>;

export interface Settings {
  checkInterval: z.infer<typeof CheckIntervalSetting>;
  autoResume: boolean;
}

/** `GET /api/jobs?runId=&state=running,queued`. Query schemas ignore unknown parameters (`token`). */
export const JobsQuery = z.object({
  runId: z.string().min(1).optional(),
  state: z
    .string()
    .transform((text) => text.split(",").filter(Boolean))
    .pipe(z.array(z.enum(JOB_STATES)))
    .optional(),
});

/** `GET /api/runs?limit=&offset=` */
export const RunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `GET /api/jobs/:id/log?stream=stdout|stderr&offset=N` (offset in bytes) */
export const LogQuery = z.object({
  stream: z.enum(["stdout", "stderr"]).default("stdout"),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A job as the API shows it. `moduleType` repeats `type` for the CLI. */
export interface JobView {
  id: string;
  runId: string;
  moduleId: string;
  type: string;
  moduleType: string;
  state: JobState;
  /** tomato's letter for the state (q, qw, r, rd, c, ce, cd). */
  letter: string;
  paused: boolean;
  intervalMs: number | null;
  progress?: number;
  message?: string;
  submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  lastCheckedAt?: string;
  nextCheckAt?: string;
}

/** A module's error without the stack, which stays in the server. */
export interface ModuleErrorView {
  code: string;
  message: string;
  port?: string;
}

export interface ModuleStateView extends Omit<ModuleView, "error"> {
  error?: ModuleErrorView;
}

/** `GET /api/runs/:id`: the engine's run view, with errors stripped of their stacks. */
export interface RunDetail extends Omit<RunView, "modules"> {
  modules: Record<string, ModuleStateView>;
}

/** A run in the WebSocket snapshot; active runs carry their modules' states. */
export interface SnapshotRun extends RunSummary {
  modules?: Record<string, ModuleStateView>;
}

export interface WorkflowListEntry {
  name: string;
  readOnly: boolean;
  description?: string;
}

/** `GET|PUT /api/workflows/:name` */
export interface WorkflowEntry {
  name: string;
  readOnly: boolean;
  workflow: unknown;
}

/** Every error answer. `field` names the body or query field; `problems` list a document's problems. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
  problems?: Problem[];
}

/** What the server sends on `/api/events`: a snapshot first, then every engine event. */
export type ServerMessage =
  | { type: "snapshot"; runs: SnapshotRun[]; jobs: JobView[] }
  | Exclude<EngineEvent, { type: "job" } | { type: "module" }>
  | (Omit<Extract<EngineEvent, { type: "module" }>, "error"> & { error?: ModuleErrorView })
  | { type: "job"; job: JobView };
