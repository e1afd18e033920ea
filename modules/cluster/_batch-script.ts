/**
 * The batch script labflow submits: it wraps the person's script so that the job leaves, in its
 * folder, its Slurm job id (as soon as it starts) and its exit status (when the script ends), in
 * files written atomically. Slurm forgets a finished job after MinJobAge (300 s by default); a
 * labflow that was down longer settles the job from these files, with the right exit code.
 */
import { createHash } from "node:crypto";

/** The job's marker files, relative to its remote folder. */
export const MARKERS = {
  dir: ".labflow",
  slurmJobId: ".labflow/slurm-job-id",
  exit: ".labflow/exit",
  script: ".labflow/script",
} as const;

/** Quotes a word for bash. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The person's script: given as text, or a program and its arguments. */
export function userScript(script: string | undefined, runnable: string | undefined, args: string[]): string {
  if (script !== undefined) return script;
  return `#!/bin/bash\nexec ${[runnable as string, ...args].map(shellQuote).join(" ")}\n`;
}

/**
 * The wrapper. The person's script is written out verbatim (a quoted heredoc: no expansion) and
 * run with its own shebang, or bash without one; its status is what the job exits with.
 */
export function batchScript(folder: string, jobKey: string, script: string): string {
  // A delimiter the script cannot contain by accident.
  const end = `LABFLOW_SCRIPT_${createHash("sha256").update(script).digest("hex").slice(0, 16)}`;
  const q = shellQuote;
  return [
    "#!/bin/bash",
    `# labflow job ${jobKey}`,
    `cd ${q(folder)} || exit 1`,
    `mkdir -p ${q(MARKERS.dir)}`,
    `echo "$SLURM_JOB_ID" > ${q(`${MARKERS.slurmJobId}.tmp`)} && mv ${q(`${MARKERS.slurmJobId}.tmp`)} ${q(MARKERS.slurmJobId)}`,
    `cat > ${q(MARKERS.script)} <<'${end}'`,
    script.endsWith("\n") ? script.slice(0, -1) : script,
    end,
    `chmod +x ${q(MARKERS.script)}`,
    `if head -c 2 ${q(MARKERS.script)} | grep -q '^#!'; then ./${MARKERS.script}; else /bin/bash ${q(MARKERS.script)}; fi`,
    "code=$?",
    `echo "$code" > ${q(`${MARKERS.exit}.tmp`)} && mv ${q(`${MARKERS.exit}.tmp`)} ${q(MARKERS.exit)}`,
    'exit "$code"',
    "",
  ].join("\n");
}
