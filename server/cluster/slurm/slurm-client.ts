/**
 * A typed slurmrestd client: request and answer shapes come from slurmrestd-api.ts, generated from
 * the server's own OpenAPI document (`npm run generate:slurm`), and requests go through
 * openapi-fetch. This file only adds what labflow needs around it: the JWT headers, a timeout, and
 * Slurm's failures (HTTP 500 with an `errors` array, 401/403, no answer) turned into ModuleErrors
 * that name the cluster and carry Slurm's own message, never the token.
 */
import createClient from "openapi-fetch";
import type { ClusterJobInfo, ClusterJobSubmission } from "../../../modules/sdk/clusters.js";
import { ModuleError } from "../../../modules/sdk/module-error.js";
import type { components, paths } from "./slurmrestd-api.js";

type Schemas = components["schemas"];
type SlurmJob = Schemas["v0.0.38_job_response_properties"];
type SlurmErrorEntry = Schemas["v0.0.38_error"] & { error_code?: number; description?: string };

/** Who asks: the Slurm user and their JWT. Read at each request, so a new login takes effect at once. */
export type SlurmCredentials = () => { user: string; token: string };

export interface SlurmClientOptions {
  cluster: string;
  url: string;
  credentials: SlurmCredentials;
  timeoutMs?: number;
}

/** One answer of GET /jobs: the whole job table, or "nothing changed since `update_time`". */
export type JobsAnswer = { changed: false } | { changed: true; jobs: ClusterJobInfo[] };

export class SlurmClient {
  private readonly api;
  readonly requests = { count: 0 };

  constructor(private readonly options: SlurmClientOptions) {
    this.api = createClient<paths>({ baseUrl: options.url.replace(/\/+$/, "") });
  }

  async ping(): Promise<void> {
    await this.call("ping", () => this.api.GET("/slurm/v0.0.38/ping", this.init()));
  }

  /** The job table; with `updateTime` (unix seconds) slurmctld answers 304 when nothing changed. */
  async jobs(updateTime?: number): Promise<JobsAnswer> {
    const answer = await this.call("list jobs", () =>
      this.api.GET("/slurm/v0.0.38/jobs", {
        ...this.init(),
        params: { query: updateTime === undefined ? {} : { update_time: updateTime } },
      }),
    );
    if (answer === "not modified") return { changed: false };
    return { changed: true, jobs: (answer.jobs ?? []).map(jobInfo) };
  }

  async submit(job: ClusterJobSubmission): Promise<number> {
    const body: Schemas["v0.0.38_job_submission"] = {
      script: job.script,
      job: {
        name: job.name,
        comment: job.comment,
        current_working_directory: job.cwd,
        standard_output: job.stdout,
        standard_error: job.stderr,
        // The generated type says `Record<string, never>`: slurmrestd's document declares an
        // object without its (string) values.
        environment: job.environment as Record<string, never>,
        ...(job.partition !== undefined ? { partition: job.partition } : {}),
        ...(job.account !== undefined ? { account: job.account } : {}),
        ...(job.timeLimitMinutes !== undefined ? { time_limit: job.timeLimitMinutes } : {}),
        ...(job.nodes !== undefined ? { nodes: [job.nodes, job.nodes] } : {}),
        ...(job.cpusPerTask !== undefined ? { cpus_per_task: job.cpusPerTask } : {}),
        ...(job.memoryMb !== undefined ? { memory_per_node: job.memoryMb } : {}),
      },
    };
    const answer = await this.call("submit the job", () =>
      this.api.POST("/slurm/v0.0.38/job/submit", { ...this.init(), body }),
    );
    const id = answer !== "not modified" ? answer.job_id : undefined;
    if (typeof id !== "number" || !Number.isInteger(id) || id <= 0)
      throw new ModuleError(
        "slurm_no_job_id",
        `cluster "${this.options.cluster}": Slurm answered the submission without a job id${slurmMessages(answer === "not modified" ? undefined : answer.errors)}`,
      );
    return id;
  }

  async cancel(slurmJobId: number): Promise<void> {
    await this.call(`cancel job ${slurmJobId}`, () =>
      this.api.DELETE("/slurm/v0.0.38/job/{job_id}", {
        ...this.init(),
        params: { path: { job_id: String(slurmJobId) } },
      }),
    );
  }

  private init() {
    const { user, token } = this.options.credentials();
    assertNotExpired(this.options.cluster, user, token);
    return {
      headers: { "X-SLURM-USER-NAME": user, "X-SLURM-USER-TOKEN": token },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    };
  }

  private async call<T extends { errors?: SlurmErrorEntry[] }>(
    what: string,
    request: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T | "not modified"> {
    const cluster = this.options.cluster;
    let result: Awaited<ReturnType<typeof request>>;
    this.requests.count++;
    try {
      result = await request();
    } catch (error) {
      if (error instanceof ModuleError) throw error;
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ModuleError(
        "slurmrestd_unreachable",
        `cluster "${cluster}": slurmrestd at ${this.options.url} does not answer (${why})`,
      );
    }
    const { response } = result;
    if (response.status === 304) return "not modified";
    if (response.status === 401 || response.status === 403) {
      const { user } = this.options.credentials();
      throw new ModuleError(
        "cluster_login_needed",
        `cluster "${cluster}" refused the login of ${user} (HTTP ${response.status}): log in again: labflow cluster login ${cluster} --user ${user}`,
      );
    }
    const body = (result.data ?? result.error) as T | undefined;
    const errors = body && typeof body === "object" ? body.errors : undefined;
    if (!response.ok && looksRefused(errors)) {
      const { user } = this.options.credentials();
      throw new ModuleError(
        "cluster_login_refused",
        `cluster "${cluster}": Slurm refused to ${what} for ${user}${slurmMessages(errors)}; if the login was revoked, log in again: labflow cluster login ${cluster} --user ${user}`,
      );
    }
    if (!response.ok || (errors && errors.length > 0)) {
      throw new ModuleError(
        "slurm_error",
        `cluster "${cluster}": Slurm could not ${what}${slurmMessages(errors) || ` (HTTP ${response.status})`}`,
      );
    }
    return (result.data ?? {}) as T;
  }
}

/**
 * slurmctld refusing the token (revoked, signed with another key) reaches slurmrestd 22.05 only as
 * a failed call: "Unspecified error" (-1), or "Zero Bytes were transmitted or received" (5005) for
 * a submission. Nothing else in its answer tells it from a slurmctld that is briefly away; both
 * are waited out rather than failing jobs that go on running on the cluster.
 */
function looksRefused(errors: SlurmErrorEntry[] | undefined): boolean {
  return (
    errors !== undefined &&
    errors.length > 0 &&
    errors.every((entry) => [-1, 5005].includes(entry.error_number ?? entry.error_code ?? 0))
  );
}

/** Slurm's own words: ": Invalid job id specified (error 2017)". */
function slurmMessages(errors: SlurmErrorEntry[] | undefined): string {
  const texts = (errors ?? []).map((entry) => {
    const number = entry.error_number ?? entry.error_code;
    const text = [entry.error, entry.description].filter(Boolean).join(": ");
    return `${text || "no message"}${number !== undefined ? ` (error ${number})` : ""}`;
  });
  return texts.length > 0 ? `: ${texts.join("; ")}` : "";
}

/**
 * Slurm tells an expired token only as a generic failure of slurmctld; its own `exp` claim says it
 * before any request. (Only the claim is read: the signature is slurmctld's business.)
 */
function assertNotExpired(cluster: string, user: string, token: string): void {
  const exp = jwtExpiry(token);
  if (exp !== undefined && exp * 1000 <= Date.now())
    throw new ModuleError(
      "cluster_login_needed",
      `the login of ${user} on cluster "${cluster}" expired at ${new Date(exp * 1000).toISOString()}: log in again: labflow cluster login ${cluster} --user ${user}`,
    );
}

export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}

function jobInfo(job: SlurmJob): ClusterJobInfo {
  // exit_code is a raw wait status: the code in the high byte, a signal in the low 7 bits.
  const status = job.exit_code;
  const ended = job.end_time !== undefined && job.end_time > 0;
  return {
    slurmJobId: job.job_id ?? 0,
    state: job.job_state ?? "UNKNOWN",
    ...(job.state_reason && job.state_reason !== "None" ? { reason: job.state_reason } : {}),
    ...(ended && typeof status === "number" ? { exitCode: status >> 8 } : {}),
    ...(ended && typeof status === "number" && (status & 0x7f) !== 0 ? { signal: status & 0x7f } : {}),
    name: job.name ?? "",
    comment: job.comment ?? "",
    user: job.user_name ?? "",
    ...(job.current_working_directory ? { cwd: job.current_working_directory } : {}),
  };
}
