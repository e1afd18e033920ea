/**
 * A data folder wired to the real Slurm cluster: a clusters file naming it (files over a real
 * sshd, or the shared jobs folder), and a stored login of the job user.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll } from "vitest";
import { CredentialStore } from "../../../server/cluster/credential-store.js";
import { repoRoot } from "../../helpers/labflow-cli.js";
import { type SlurmCluster, slurmCluster } from "../../helpers/slurm-cluster.js";
import type { Sshd } from "../../helpers/sshd.js";
import { tempDir } from "../../helpers/temp-dir.js";

/** The job folders this test file made on the cluster (in the shared jobs folder), removed at its end. */
const remoteBases: string[] = [];
afterAll(() => {
  // Retried: a cancelled Slurm job's step may still write its output there for a moment (ENOTEMPTY).
  for (const dir of remoteBases.splice(0))
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
});

export interface ClusterData {
  dataDir: string;
  slurm: SlurmCluster;
  /** Where this test's job folders go on the cluster. */
  remoteBase: string;
}

export function clusterDataFolder(
  sshd: Sshd,
  options: { dataDir?: string; login?: boolean; name?: string } = {},
): ClusterData {
  const name = options.name ?? "test";
  const slurm = slurmCluster();
  const dataDir = options.dataDir ?? tempDir("labflow-cluster-");
  const remoteBase = join(slurm.jobsDir, `labflow-test-${randomUUID().slice(0, 8)}`);
  remoteBases.push(remoteBase);
  writeFileSync(
    join(dataDir, "clusters.yaml"),
    [
      "clusters:",
      `  - name: ${name}`,
      `    url: ${slurm.url}`,
      "    apiVersion: v0.0.38",
      "    partition: debug",
      "    sftp:",
      "      host: 127.0.0.1",
      `      port: ${sshd.port}`,
      `      hostKeyFingerprint: "${sshd.fingerprint}"`,
      `      remoteBase: ${remoteBase}`,
      "",
    ].join("\n"),
  );
  if (options.login !== false)
    new CredentialStore(dataDir).save(name, slurm.user, { token: slurm.token(), sshKeyPath: sshd.keyPath });
  return { dataDir, slurm, remoteBase };
}

/** `labflow cluster login` as a person pipes it: the secrets on stdin, never in the arguments. */
export function cliLogin(dataDir: string, input: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [join(repoRoot, "bin", "labflow.js"), "cluster", "login", "test", "--data", dataDir],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.stdin.end(input);
    child.once("exit", (code) => resolve({ code, out }));
  });
}
