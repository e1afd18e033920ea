/**
 * Files over SFTP to the cluster's login host (ssh2-sftp-client on ssh2). The host's key must have
 * the fingerprint of the clusters file, or nothing is sent: a mismatch is an error naming both
 * fingerprints. One connection per cluster and user, opened at first use and closed when idle.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, posix } from "node:path";
import type SftpClient from "ssh2-sftp-client";
import type { TransferProgress } from "../../../modules/sdk/clusters.js";
import { ModuleError } from "../../../modules/sdk/module-error.js";
import type { ClusterSecret } from "../credential-store.js";
import { type RemoteFiles, wholeCharacters } from "./remote-files.js";

export interface SftpTarget {
  cluster: string;
  host: string;
  port: number;
  user: string;
  hostKeyFingerprint: string;
  /** The login's secret, read at each connection (a new login takes effect at the next one). */
  secret(): ClusterSecret;
  idleMs?: number;
}

export function sshFingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Operations at once on one connection: a thousand jobs finishing together queue here instead of
 * opening a thousand SFTP requests (and listeners) on one channel.
 */
const MAX_OPERATIONS = 16;

export class SftpFiles implements RemoteFiles {
  private connection: Promise<SftpClient> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private busy = 0;
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly target: SftpTarget) {}

  async mkdir(remoteDir: string): Promise<void> {
    await this.use((sftp) => makeFolders(sftp, remoteDir));
  }

  async upload(localPath: string, remotePath: string, progress?: TransferProgress): Promise<number> {
    if (!existsSync(localPath)) throw new ModuleError("file_missing", `${localPath} does not exist`);
    const total = statSync(localPath).size;
    return this.use(async (sftp) => {
      await makeFolders(sftp, posix.dirname(remotePath));
      // fastPut reads and sends the file in chunks (never whole), telling each step.
      await sftp.fastPut(localPath, remotePath, {
        step: (transferred) => progress?.(transferred, total),
      });
      progress?.(total, total);
      return total;
    });
  }

  async download(remotePath: string, localPath: string, progress?: TransferProgress): Promise<number> {
    return this.use(async (sftp) => {
      const stat = await sftp.stat(remotePath).catch(() => undefined);
      if (!stat)
        throw new ModuleError(
          "file_missing",
          `cluster "${this.target.cluster}": ${remotePath} does not exist`,
        );
      mkdirSync(dirname(localPath), { recursive: true });
      await sftp.fastGet(remotePath, localPath, {
        step: (transferred, _chunk, total) => progress?.(transferred, total),
      });
      progress?.(stat.size, stat.size);
      return stat.size;
    });
  }

  async list(remoteDir: string): Promise<string[]> {
    return this.use(async (sftp) => {
      if (!(await sftp.exists(remoteDir))) return [];
      const found: string[] = [];
      const walk = async (relativeDir: string): Promise<void> => {
        for (const entry of await sftp.list(posix.join(remoteDir, relativeDir))) {
          const path = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
          if (entry.type === "d") await walk(path);
          else if (entry.type === "-") found.push(path);
        }
      };
      await walk("");
      return found.sort();
    });
  }

  async read(remotePath: string, offset: number, maxBytes: number) {
    return this.use(async (sftp) => {
      const stat = await sftp.stat(remotePath).catch(() => undefined);
      if (!stat) return { text: "", nextOffset: offset, size: 0 };
      const length = Math.max(0, Math.min(maxBytes, stat.size - offset));
      if (length === 0) return { text: "", nextOffset: offset, size: stat.size };
      const chunks: Buffer[] = [];
      const stream = sftp.createReadStream(remotePath, { start: offset, end: offset + length - 1 });
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const buffer = Buffer.concat(chunks);
      const end = wholeCharacters(buffer);
      return { text: buffer.subarray(0, end).toString("utf8"), nextOffset: offset + end, size: stat.size };
    });
  }

  async readSmall(remotePath: string): Promise<string | undefined> {
    return this.use(async (sftp) => {
      if (!(await sftp.exists(remotePath))) return undefined;
      return ((await sftp.get(remotePath)) as Buffer).toString("utf8");
    });
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const connection = this.connection;
    this.connection = undefined;
    const sftp = await connection?.catch(() => undefined);
    await sftp?.end().catch(() => undefined);
  }

  private async use<T>(work: (sftp: SftpClient) => Promise<T>): Promise<T> {
    this.busy++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.running >= MAX_OPERATIONS) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.running++;
    try {
      this.connection ??= this.connect().catch((error: unknown) => {
        this.connection = undefined;
        throw error;
      });
      const sftp = await this.connection;
      return await work(sftp);
    } catch (error) {
      if (error instanceof ModuleError) throw error;
      throw new ModuleError(
        "sftp_failed",
        `cluster "${this.target.cluster}": SFTP to ${this.target.user}@${this.target.host}:${this.target.port}: ${(error as Error).message}`,
      );
    } finally {
      this.running--;
      this.queue.shift()?.();
      if (--this.busy === 0) {
        this.idleTimer = setTimeout(() => void this.close(), this.target.idleMs ?? 30_000);
        this.idleTimer.unref();
      }
    }
  }

  private async connect(): Promise<SftpClient> {
    const { cluster, host, port, user, hostKeyFingerprint } = this.target;
    const secret = this.target.secret();
    if (!secret.sshKeyPath)
      throw new ModuleError(
        "cluster_login_needed",
        `cluster "${cluster}" moves files over SFTP: log in again with an SSH key: labflow cluster login ${cluster} --user ${user}`,
      );
    let seen: string | undefined;
    // Loaded on first use: ssh2 holds 16 MB of WebAssembly memory (its poly1305) from the moment it
    // is imported, which a server that never moves files over SFTP should not pay for.
    const { default: SftpClientClass } = await import("ssh2-sftp-client");
    // The library's default listeners print every close to stdout; a dropped connection is
    // simply opened again at the next use (below), and errors reach the awaiting call.
    const sftp = new SftpClientClass(`labflow-${cluster}`, {
      error: () => undefined,
      end: () => undefined,
      close: () => {
        this.connection = undefined;
      },
    });
    // Each operation in flight listens for the connection's end for a moment; they are bounded
    // above (MAX_OPERATIONS), so Node's leak warning at 10 listeners would be a false alarm.
    (sftp as unknown as { client: NodeJS.EventEmitter }).client.setMaxListeners(MAX_OPERATIONS + 10);
    try {
      await sftp.connect({
        host,
        port,
        username: user,
        privateKey: readFileSync(secret.sshKeyPath),
        ...(secret.sshPassphrase ? { passphrase: secret.sshPassphrase } : {}),
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) => {
          seen = sshFingerprint(key);
          return seen === hostKeyFingerprint;
        },
      });
    } catch (error) {
      if (seen !== undefined && seen !== hostKeyFingerprint)
        throw new ModuleError(
          "host_key_mismatch",
          `cluster "${cluster}": the host key of ${host}:${port} is ${seen}, not ${hostKeyFingerprint} as the clusters file says: nothing was sent`,
        );
      throw new ModuleError(
        "sftp_unreachable",
        `cluster "${cluster}": cannot open SFTP to ${user}@${host}:${port}: ${(error as Error).message}`,
      );
    }
    return sftp;
  }
}

/**
 * `mkdir -p`, one level at a time: two jobs creating folders under the same new base at once must
 * both succeed (the library's recursive mkdir fails when another creates a level first).
 */
async function makeFolders(sftp: SftpClient, remoteDir: string): Promise<void> {
  if (await sftp.exists(remoteDir)) return;
  const parent = posix.dirname(remoteDir);
  if (parent !== remoteDir) await makeFolders(sftp, parent);
  try {
    await sftp.mkdir(remoteDir, false);
  } catch (error) {
    if (!(await sftp.exists(remoteDir))) throw error;
  }
}
