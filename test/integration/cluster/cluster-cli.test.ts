import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labflow } from "../../helpers/labflow-cli.js";
import { slurmCluster, takeTheCluster } from "../../helpers/slurm-cluster.js";
import { type Sshd, startSshd } from "../../helpers/sshd.js";
import { tempDir } from "../../helpers/temp-dir.js";
import { waitUntil } from "../../helpers/wait-until.js";
import { cliLogin, clusterDataFolder } from "./cluster-fixture.js";

let sshd: Sshd;
let releaseCluster: (() => void) | undefined;
beforeAll(async () => {
  releaseCluster = await takeTheCluster();
  sshd = await startSshd(slurmCluster().user);
  // Waits while another test file has the cluster (takeTheCluster).
}, 900_000);
afterAll(async () => {
  await sshd?.stop();
  releaseCluster?.();
});

const cluster = (dataDir: string, ...args: string[]) => labflow(["cluster", ...args, "--data", dataDir]);

describe("labflow cluster (headless, as SCARF's actions)", () => {
  it("pings, uploads, lists, reads the status of, downloads from and cancels jobs", async () => {
    const { dataDir, slurm, remoteBase } = clusterDataFolder(sshd);
    const ping = await cluster(dataDir, "ping", "test");
    expect(ping.stdout).toMatch(/slurmrestd at http:\/\/127\.0\.0\.1:6820 answers slurmjob/);
    expect(ping.stdout).toMatch(new RegExp(`SFTP to 127.0.0.1:${sshd.port} .* reaches ${remoteBase}`));

    const local = join(tempDir(), "in.txt");
    writeFileSync(local, "abc\n");
    const upload = await cluster(dataDir, "upload", "test", local, "cli/in.txt");
    expect(upload.stdout).toContain(`-> test:${remoteBase}/cli/in.txt (4 bytes)`);

    // A job of the user that labflow did not submit: the CLI sees and fetches it all the same.
    const submitted = await fetch(`${slurm.url}/slurm/v0.0.38/job/submit`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "X-SLURM-USER-NAME": slurm.user,
        "X-SLURM-USER-TOKEN": slurm.token(),
      },
      body: JSON.stringify({
        script: "#!/bin/bash\ncp in.txt copy.txt\nsleep 30\n",
        job: {
          name: "by-hand",
          current_working_directory: `${remoteBase}/cli`,
          environment: { PATH: "/bin:/usr/bin" },
        },
      }),
    });
    const id = ((await submitted.json()) as { job_id: number }).job_id;
    const jobs = await cluster(dataDir, "jobs", "test");
    expect(jobs.stdout).toMatch(new RegExp(`^${id}  (PENDING|RUNNING).*  by-hand$`, "m"));
    await waitUntil(
      async () => /RUNNING/.test((await cluster(dataDir, "status", "test", String(id))).stdout),
      "running",
    );
    const to = tempDir();
    await waitUntil(
      async () => (await cluster(dataDir, "download", "test", String(id), "copy.txt", "--to", to)).code === 0,
      "copy.txt",
    );
    expect(readFileSync(join(to, "copy.txt"), "utf8")).toBe("abc\n");
    expect((await cluster(dataDir, "cancel", "test", String(id))).stdout).toBe(
      `asked test to cancel Slurm job ${id}\n`,
    );
    await waitUntil(
      async () => /CANCELLED/.test((await cluster(dataDir, "status", "test", String(id))).stdout),
      "cancelled",
    );
  });

  it("says in one line what is wrong: unknown cluster, not logged in, missing file, slurmrestd down, host key", async () => {
    const { dataDir } = clusterDataFolder(sshd, { login: false });
    const unknown = await cluster(dataDir, "ping", "nope");
    expect(unknown.stderr).toMatch(/^labflow: no cluster "nope" in .*clusters\.yaml \(known: test\)\n$/);
    const notLoggedIn = await cluster(dataDir, "jobs", "test");
    expect(notLoggedIn.stderr).toBe("labflow: log in again: labflow cluster login test\n");
    expect(notLoggedIn.code).toBe(1);

    const { dataDir: ready } = clusterDataFolder(sshd);
    const missing = await cluster(ready, "upload", "test", "/nonexistent/file.txt", "x.txt");
    expect(missing.stderr).toBe("labflow: /nonexistent/file.txt does not exist\n");

    const file = join(ready, "clusters.yaml");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace("127.0.0.1:6820", "127.0.0.1:6829"));
    const down = await cluster(ready, "jobs", "test");
    expect(down.stderr).toMatch(
      /^labflow: cluster "test": slurmrestd at http:\/\/127\.0\.0\.1:6829 does not answer \(ECONNREFUSED\)\n$/,
    );

    const wrongKey = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";
    writeFileSync(file, good.replace(sshd.fingerprint, wrongKey));
    const mismatch = await cluster(ready, "upload", "test", file, "x.yaml");
    expect(mismatch.stderr).toBe(
      `labflow: cluster "test": the host key of 127.0.0.1:${sshd.port} is ${sshd.fingerprint}, not ${wrongKey} as the clusters file says: nothing was sent\n`,
    );
  });

  it("refuses at login a token slurmrestd refuses, storing nothing and keeping the earlier login", async () => {
    const { dataDir, slurm } = clusterDataFolder(sshd);
    const [head, payload] = slurm.token().split(".");
    const forged = `${head}.${payload}.${"A".repeat(43)}`;
    const refused = await cliLogin(dataDir, `${forged}\n${sshd.keyPath}\n\n`);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("refused this token for slurmjob: nothing stored");
    expect(refused.out).not.toContain(forged);
    // The login made before still works.
    expect((await cluster(dataDir, "ping", "test")).code).toBe(0);
  });

  it("logs out one user, and the next command says how to log in", async () => {
    const { dataDir } = clusterDataFolder(sshd);
    expect((await cluster(dataDir, "list")).stdout).toBe("test  logged in: slurmjob\n");
    expect((await cluster(dataDir, "logout", "test", "--user", "slurmjob")).stdout).toBe(
      "logged out of test: slurmjob\n",
    );
    expect((await cluster(dataDir, "ping", "test")).stderr).toBe(
      "labflow: log in again: labflow cluster login test\n",
    );
  });

  it("runs the example workflows/cluster-demo.json through `labflow run`", async () => {
    const { dataDir } = clusterDataFolder(sshd, { name: "facility" });
    const result = await labflow(["run", "workflows/cluster-demo.json", "--json", "--data", dataDir]);
    expect(result.stderr).toBe("");
    const run = JSON.parse(result.stdout);
    expect(run.status).toBe("completed");
    expect(readFileSync(run.modules.reconstruct.outputs.file, "utf8")).toBe("SPECTRA FROM THE BEAMLINE\n");
  });
});
