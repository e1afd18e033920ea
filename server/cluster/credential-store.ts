/**
 * Cluster logins, stored by reference: a module names a cluster (and maybe a user), the secrets
 * stay here. Each login is encrypted with AES-256-GCM under a key of the data folder
 * (`secret.key`, mode 0600, made at the first login) or from LABFLOW_SECRET_KEY (32 bytes, base64
 * or hex). The cluster and user names are kept in clear (they are not secret, and `logout` and
 * error messages need them); they are bound to their ciphertext as GCM's additional data, so a
 * login cannot be moved to another cluster or user by editing the file.
 *
 * The file is read again whenever it changed, so a server picks up a `labflow cluster login`
 * made beside it without a restart.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ModuleError } from "../../modules/sdk/module-error.js";

/** What a login holds. Never logged, never sent anywhere but to the cluster it belongs to. */
export interface ClusterSecret {
  /** The Slurm JWT (X-SLURM-USER-TOKEN). */
  token: string;
  /** SFTP: a private key file on this machine, and its passphrase when it has one. */
  sshKeyPath?: string;
  sshPassphrase?: string;
}

const SecretShape = z.strictObject({
  token: z.string().min(1),
  sshKeyPath: z.string().min(1).optional(),
  sshPassphrase: z.string().min(1).optional(),
});
const Sealed = z.strictObject({ iv: z.string(), tag: z.string(), data: z.string(), savedAt: z.string() });
const LoginsFile = z.strictObject({
  version: z.literal(1),
  logins: z.record(z.string(), z.record(z.string(), Sealed)),
});
type LoginsFile = z.infer<typeof LoginsFile>;

export const LOGINS_FILE = "cluster-logins.json";
export const KEY_FILE = "secret.key";

export class CredentialStore {
  private cache: { mtimeMs: number; size: number; file: LoginsFile } | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Stores (or replaces) the login of `user` on `cluster`. */
  save(cluster: string, user: string, secret: ClusterSecret): void {
    const plain = Buffer.from(JSON.stringify(SecretShape.parse(secret)));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key(true), iv);
    cipher.setAAD(aad(cluster, user));
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    const file = this.read();
    file.logins[cluster] = {
      ...file.logins[cluster],
      [user]: {
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        data: data.toString("base64"),
        savedAt: new Date().toISOString(),
      },
    };
    this.write(file);
  }

  /** Forgets one user's login, or every login of the cluster; answers the users forgotten. */
  remove(cluster: string, user?: string): string[] {
    const file = this.read();
    const logins = file.logins[cluster] ?? {};
    const gone = user === undefined ? Object.keys(logins) : user in logins ? [user] : [];
    for (const name of gone) delete logins[name];
    if (Object.keys(logins).length === 0) delete file.logins[cluster];
    if (gone.length > 0) this.write(file);
    return gone;
  }

  /** The users logged in on a cluster. */
  users(cluster: string): string[] {
    return Object.keys(this.read().logins[cluster] ?? {}).sort();
  }

  /**
   * The login of `user` (default: the cluster's only user). Throws `cluster_login_needed` naming
   * the command to run when there is none, and `cluster_login_unreadable` when it cannot be decrypted.
   */
  get(cluster: string, user?: string): { user: string; secret: ClusterSecret } {
    const logins = this.read().logins[cluster] ?? {};
    const users = Object.keys(logins);
    const chosen = user ?? (users.length === 1 ? users[0] : undefined);
    if (chosen === undefined && users.length > 1)
      throw new ModuleError(
        "cluster_user_ambiguous",
        `several users are logged in on cluster "${cluster}" (${users.sort().join(", ")}): name one (param user)`,
      );
    const sealed = chosen === undefined ? undefined : logins[chosen];
    if (chosen === undefined || !sealed)
      throw new ModuleError(
        "cluster_login_needed",
        `log in again: labflow cluster login ${cluster}${user ? ` --user ${user}` : ""}`,
      );
    const key = this.key(false);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
      decipher.setAAD(aad(cluster, chosen));
      decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
      const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]);
      return { user: chosen, secret: SecretShape.parse(JSON.parse(plain.toString("utf8"))) };
    } catch {
      // The key changed (another LABFLOW_SECRET_KEY, a lost secret.key) or the file was edited.
      throw new ModuleError(
        "cluster_login_unreadable",
        `the stored login of ${chosen} on cluster "${cluster}" cannot be decrypted with this secret key: log in again: labflow cluster login ${cluster} --user ${chosen}`,
      );
    }
  }

  private read(): LoginsFile {
    const path = join(this.dataDir, LOGINS_FILE);
    if (!existsSync(path)) return { version: 1, logins: {} };
    const stat = statSync(path);
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size)
      return structuredClone(this.cache.file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      raw = undefined;
    }
    const parsed = LoginsFile.safeParse(raw);
    if (!parsed.success)
      throw new ModuleError(
        "cluster_logins_invalid",
        `${path} is not a labflow logins file; remove it and log in again`,
      );
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, file: parsed.data };
    return structuredClone(parsed.data);
  }

  private write(file: LoginsFile): void {
    const path = join(this.dataDir, LOGINS_FILE);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
    this.cache = undefined;
  }

  private key(create: boolean): Buffer {
    const fromEnv = this.env.LABFLOW_SECRET_KEY;
    if (fromEnv) {
      const key = /^[0-9a-f]{64}$/i.test(fromEnv)
        ? Buffer.from(fromEnv, "hex")
        : Buffer.from(fromEnv, "base64");
      if (key.length !== 32)
        throw new ModuleError(
          "secret_key_invalid",
          "LABFLOW_SECRET_KEY must be 32 bytes, as 64 hex digits or base64",
        );
      return key;
    }
    const path = join(this.dataDir, KEY_FILE);
    if (!existsSync(path)) {
      if (!create)
        throw new ModuleError("cluster_login_unreadable", `the secret key ${path} is missing: log in again`);
      // "wx": two logins at once never write two different keys.
      try {
        writeFileSync(path, randomBytes(32), { mode: 0o600, flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    if ((statSync(path).mode & 0o077) !== 0)
      throw new ModuleError(
        "secret_key_exposed",
        `the secret key ${path} is readable by others: chmod 600 it (or remove it and log in again)`,
      );
    const key = readFileSync(path);
    if (key.length !== 32)
      throw new ModuleError("secret_key_invalid", `the secret key ${path} is not 32 bytes`);
    return key;
  }
}

function aad(cluster: string, user: string): Buffer {
  return Buffer.from(`labflow-cluster-login\0${cluster}\0${user}`);
}
