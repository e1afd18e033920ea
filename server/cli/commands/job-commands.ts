import { isFinishedJob } from "../../schema/states.js";
import type { JobView } from "../../schema/views.js";
import { defineCommand } from "../command-spec.js";
import { connect } from "../connect.js";
import { DATA_OPTION, dataFolder } from "../data-folder-option.js";
import { followRun } from "../follow-run.js";
import { percent, table } from "../format.js";
import type { LabflowAccess } from "../labflow-access.js";
import { inListOrder, OLDEST_FIRST_OPTION } from "../list-order.js";

const JSON_OPTION = { json: { type: "boolean", description: "print JSON" } } as const;

export const jobsSpec = defineCommand({
  name: "jobs",
  summary: "list jobs with their state (and tomato's letter), newest first",
  options: {
    run: { type: "string", value: "RUN", description: "only the jobs of this run" },
    ...JSON_OPTION,
    ...OLDEST_FIRST_OPTION,
    ...DATA_OPTION,
  },
  needsExistingDataFolder: true,
  run: ({ values }) =>
    jobsCommand(dataFolder(values.data), {
      runId: values.run,
      json: values.json,
      oldestFirst: values["oldest-first"],
    }),
});

export const statusSpec = defineCommand({
  name: "status",
  summary: "list runs, newest first, or show one run's modules",
  args: [{ name: "RUN", optional: true }],
  options: { ...JSON_OPTION, ...OLDEST_FIRST_OPTION, ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args }) =>
    statusCommand(dataFolder(values.data), args[0], {
      json: values.json,
      oldestFirst: values["oldest-first"],
    }),
});

export const checkSpec = defineCommand({
  name: "check",
  summary: "check one job, or every active job, now",
  args: [{ name: "JOB", optional: true }],
  options: { ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args }) => checkCommand(dataFolder(values.data), args[0]),
});

export const pauseSpec = defineCommand({
  name: "pause",
  summary: "pause checking a job",
  args: [{ name: "JOB" }],
  options: { ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args }) => pauseCommand(dataFolder(values.data), args[0] as string),
});

export const resumeSpec = defineCommand({
  name: "resume",
  summary: "resume checking a job, or continue a run (no server: to its end, here)",
  args: [{ name: "JOB|RUN" }],
  options: { ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args }) => resumeCommand(dataFolder(values.data), args[0] as string),
});

export const cancelSpec = defineCommand({
  name: "cancel",
  summary: "cancel a job (its real work stops) or a whole run",
  args: [{ name: "JOB|RUN" }],
  options: { ...DATA_OPTION },
  needsExistingDataFolder: true,
  run: ({ values, args }) => cancelCommand(dataFolder(values.data), args[0] as string),
});

export const logsSpec = defineCommand({
  name: "logs",
  summary: "print a job's stdout (or stderr)",
  args: [{ name: "JOB" }],
  options: {
    stderr: { type: "boolean", description: "print its stderr instead" },
    follow: { type: "boolean", description: "keep printing until the job ends" },
    ...DATA_OPTION,
  },
  needsExistingDataFolder: true,
  run: ({ values, args }) =>
    logsCommand(dataFolder(values.data), args[0] as string, { stderr: values.stderr, follow: values.follow }),
});

/** Runs `body` with access to labflow, closing it after. */
async function withAccess<T>(
  dataDir: string,
  body: (access: LabflowAccess) => Promise<T>,
  options: { restore?: boolean } = {},
): Promise<T> {
  const access = await connect(dataDir, options);
  try {
    return await body(access);
  } finally {
    await access.close();
  }
}

/** `labflow jobs [--run RUN] [--json] [--oldest-first]` */
export function jobsCommand(
  dataDir: string,
  options: { runId?: string; json: boolean; oldestFirst: boolean },
): Promise<number> {
  return withAccess(dataDir, async (access) => {
    const listed = await access.listJobs(options.runId ? { runId: options.runId } : undefined);
    // Listed oldest first (the order they were submitted in), which breaks ties of one millisecond.
    const jobs = inListOrder(listed, (j) => j.submittedAt, options.oldestFirst);
    if (options.json) {
      console.log(JSON.stringify({ jobs }));
      return 0;
    }
    if (jobs.length === 0) {
      console.log("no jobs");
      return 0;
    }
    const rows = [["JOB", "RUN", "MODULE", "TYPE", "STATE", "", "PROGRESS", "SUBMITTED", "MESSAGE"]];
    for (const j of jobs) {
      rows.push([
        j.id,
        j.runId,
        j.moduleId,
        j.moduleType,
        `${j.state}${j.paused ? " (paused)" : ""}`,
        j.letter,
        percent(j.progress),
        j.submittedAt.replace("T", " ").slice(0, 19),
        j.message ?? "",
      ]);
    }
    console.log(table(rows));
    return 0;
  });
}

function describe(job: JobView): string {
  return `${job.id} ${job.state}${job.paused ? " (checks paused)" : ""}${job.message ? `: ${job.message}` : ""}`;
}

/**
 * `labflow cancel JOB|RUN`. Without a server, a run is first restored (with the folder's other
 * unfinished runs): only a run in progress can be cancelled, its running jobs through their handles.
 */
export function cancelCommand(dataDir: string, id: string): Promise<number> {
  const isRun = id.startsWith("run-");
  return withAccess(
    dataDir,
    async (access) => {
      if (isRun) {
        const result = await access.cancelRun(id);
        console.log(result.message ?? `run ${id} cancelled`);
        return 0;
      }
      const { job, message } = await access.cancelJob(id);
      console.log(message ?? describe(job));
      return 0;
    },
    { restore: isRun },
  );
}

/** `labflow check [JOB]`: checks one job, or every active job, now. */
export function checkCommand(dataDir: string, jobId?: string): Promise<number> {
  return withAccess(dataDir, async (access) => {
    const ids = jobId ? [jobId] : (await access.listJobs()).filter((j) => isActive(j)).map((j) => j.id);
    for (const id of ids) console.log(describe(await access.checkJob(id)));
    if (ids.length === 0) console.log("no active jobs");
    return 0;
  });
}

/** `labflow pause JOB` */
export function pauseCommand(dataDir: string, jobId: string): Promise<number> {
  return withAccess(dataDir, async (access) => {
    console.log(describe(await access.pauseJob(jobId, true)));
    return 0;
  });
}

/**
 * `labflow resume JOB|RUN`: resumes checking a job, or continues a run. Through a server, the run's
 * finished jobs waiting for a person are delivered and the server carries on. Without one, the
 * folder's unfinished runs are restored here and this run is followed to its end (exit 0 only when
 * it completed), its finished jobs delivered as they come: nothing else can reach it meanwhile.
 */
export function resumeCommand(dataDir: string, id: string): Promise<number> {
  if (!id.startsWith("run-"))
    return withAccess(dataDir, async (access) => {
      console.log(describe(await access.pauseJob(id, false)));
      return 0;
    });
  return withAccess(
    dataDir,
    async (access) => {
      const { resumedJobs } = await access.resumeRun(id);
      if (access.where === "server") {
        console.log(`run ${id} resumed (${resumedJobs} finished job(s) delivered)`);
        return 0;
      }
      console.log(`run ${id} continues in this process (${resumedJobs} finished job(s) delivered)`);
      return followRun(access, id, { json: false, untilSuspended: false, deliverFinishedJobs: true });
    },
    { restore: true },
  );
}

/** `labflow logs JOB [--stderr] [--follow]` */
export function logsCommand(
  dataDir: string,
  jobId: string,
  options: { stderr: boolean; follow: boolean },
): Promise<number> {
  return withAccess(dataDir, async (access) => {
    const stream = options.stderr ? "stderr" : "stdout";
    let offset = 0;
    for (;;) {
      const chunk = await access.jobLog(jobId, stream, offset);
      if (chunk.text) process.stdout.write(chunk.text);
      offset = chunk.nextOffset;
      if (!options.follow) return 0;
      if (!chunk.text && !isActive(await access.getJob(jobId))) return 0;
      if (!chunk.text) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
}

/** `labflow status [RUN] [--json] [--oldest-first]` */
export function statusCommand(
  dataDir: string,
  runId: string | undefined,
  options: { json: boolean; oldestFirst: boolean },
): Promise<number> {
  const { json } = options;
  return withAccess(dataDir, async (access) => {
    if (!runId) {
      // Listed newest first: reversed, runs of one millisecond are in the order they were created.
      const runs = inListOrder((await access.listRuns()).reverse(), (r) => r.createdAt, options.oldestFirst);
      if (json) console.log(JSON.stringify({ runs }));
      else
        console.log(
          table([
            ["RUN", "WORKFLOW", "STATUS", "CREATED"],
            ...runs.map((r) => [r.id, r.workflowName, r.status, r.createdAt]),
          ]),
        );
      return 0;
    }
    const view = await access.getRun(runId);
    if (json) console.log(JSON.stringify(view));
    else {
      console.log(`run ${view.runId} ${view.status}${view.message ? `: ${view.message}` : ""}`);
      for (const [id, m] of Object.entries(view.modules))
        console.log(`  ${id.padEnd(16)} ${m.status} ${m.error?.message ?? ""}`.trimEnd());
    }
    return 0;
  });
}

const isActive = (job: JobView): boolean => !isFinishedJob(job.state);
