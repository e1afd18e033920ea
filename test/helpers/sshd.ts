/**
 * A real OpenSSH server on a free loopback port, for SFTP: its own host key, one authorized user
 * key, its own config (`/usr/sbin/sshd -D -f CONFIG -E LOG`), run as root as the tests are.
 * Logs in as `user` (the Slurm job user), so what it writes the cluster's jobs can write too.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "./wait-until.js";

export interface Sshd {
  port: number;
  /** "SHA256:..." of the host key, as the clusters file wants it. */
  fingerprint: string;
  /** The user's private key (no passphrase) and the login it opens. */
  keyPath: string;
  user: string;
  stop(): Promise<void>;
}

export async function startSshd(user: string): Promise<Sshd> {
  allowKeyLogin(user);
  const dir = mkdtempSync(join(tmpdir(), "labflow-sshd-"));
  // sshd reads authorized_keys as the user: the folder must let them in.
  chmodSync(dir, 0o755);
  mkdirSync("/run/sshd", { recursive: true });
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "host_key")]);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "user_key")]);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "user_key.pub")));
  chmodSync(join(dir, "authorized_keys"), 0o644);
  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, "host_key.pub")], {
    encoding: "utf8",
  }).split(" ")[1] as string;
  const port = await freePort();
  writeFileSync(
    join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_key")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "UsePAM no",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PubkeyAuthentication yes",
      "StrictModes no",
      `AllowUsers ${user}`,
      "Subsystem sftp internal-sftp",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(
    "/usr/sbin/sshd",
    ["-D", "-f", join(dir, "sshd_config"), "-E", join(dir, "sshd.log")],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await waitUntil(() => canConnect(port), `sshd on port ${port}`, 15_000, 50);
  return {
    port,
    fingerprint,
    keyPath: join(dir, "user_key"),
    user,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * useradd leaves an account "locked" ("!" password), and sshd without PAM refuses locked accounts
 * even for keys. "*" means "no password login" without the lock: keys work, passwords never do.
 */
function allowKeyLogin(user: string): void {
  const status = execFileSync("passwd", ["-S", user], { encoding: "utf8" }).split(" ")[1];
  if (status === "L") execFileSync("usermod", ["-p", "*", user]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
