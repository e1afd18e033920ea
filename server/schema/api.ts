/**
 * The HTTP API's request bodies, query strings, settings and error answers: shared by the server,
 * the CLI and the client. Pure zod and types, no Node imports. The views it answers with are in
 * views.ts, the WebSocket's messages in messages.ts; docs/api.md describes every route.
 */
import { z } from "zod";
import { Problem } from "./problem.js";
import { JobState } from "./states.js";

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

/** `POST /api/workflows/check`: a document to check as a run would be, without running it. */
export const CheckWorkflowRequest = z.strictObject({ workflow: z.record(z.string(), z.unknown()) });

/** `PUT /api/jobs/:id/interval`: a job's own check interval; null goes back to the default. */
export const JobIntervalRequest = z.strictObject({ intervalMs: IntervalMs.nullable() });
export type JobIntervalRequest = z.infer<typeof JobIntervalRequest>;

/** `off`: checks only on request; `module-default`: each module's own interval. */
export const CheckIntervalSetting = z.union([z.enum(["module-default", "off"]), IntervalMs]);
export type CheckIntervalSetting = z.infer<typeof CheckIntervalSetting>;

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

/** `GET|PUT /api/settings` answers and the `settings` event: the server-wide settings. */
export const Settings = z.object({
  checkInterval: CheckIntervalSetting,
  autoResume: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

/** `GET /api/jobs?runId=&state=running,queued`. Query schemas ignore unknown parameters (`token`). */
export const JobsQuery = z.object({
  runId: z.string().min(1).optional(),
  state: z
    .string()
    .transform((text) => text.split(",").filter(Boolean))
    .pipe(z.array(JobState))
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
  /** `1`: the whole stream as a file to save (`Content-Disposition: attachment`), not a JSON chunk. */
  download: z.enum(["0", "1"]).default("0"),
});

/** `GET /api/runs/:id/files`, `/api/jobs/:id/files` (and `file-info`): a file of the folder. */
export const FileQuery = z.object({
  /** Relative to the run's or job's folder, or absolute inside it (a `file` output's value). */
  path: z.string().min(1).max(4096),
});

/** `GET /api/jobs/:id/files`: without `path`, the list of the job's files. */
export const JobFilesQuery = FileQuery.partial();

/** `GET /api/runs/:id/log`: the run's log entries after `afterSeq`. */
export const RunLogQuery = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
});

/** Every error answer. `field` names the body or query field; `problems` list a document's problems. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
  }),
  problems: z.array(Problem).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
