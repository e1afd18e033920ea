/**
 * Files on a folder this machine and the cluster's nodes see at the same path (NFS, a parallel
 * file system). When labflow runs as root (containers, CI), what it creates there is given to the
 * owner of the shared folder, so that the cluster user's job can write its outputs beside its inputs.
 */
import {
  chownSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  statSync,
} from "node:fs";
import { open, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { TransferProgress } from "../../../modules/sdk/clusters.js";
import { ModuleError } from "../../../modules/sdk/module-error.js";
import { type RemoteFiles, wholeCharacters } from "./remote-files.js";

export class SharedFolderFiles implements RemoteFiles {
  constructor(
    private readonly cluster: string,
    private readonly root: string,
  ) {}

  async mkdir(remoteDir: string): Promise<void> {
    if (!existsSync(this.root))
      throw new ModuleError(
        "shared_folder_missing",
        `cluster "${this.cluster}": the shared folder ${this.root} does not exist on this machine`,
      );
    const created = mkdirSync(remoteDir, { recursive: true });
    if (created) this.giveToOwner(created, remoteDir);
  }

  async upload(localPath: string, remotePath: string, progress?: TransferProgress): Promise<number> {
    await this.mkdir(dirname(remotePath));
    const bytes = await copy(localPath, remotePath, progress);
    this.giveToOwner(remotePath, remotePath);
    return bytes;
  }

  async download(remotePath: string, localPath: string, progress?: TransferProgress): Promise<number> {
    mkdirSync(dirname(localPath), { recursive: true });
    return copy(remotePath, localPath, progress);
  }

  async list(remoteDir: string): Promise<string[]> {
    if (!existsSync(remoteDir)) return [];
    return (readdirSync(remoteDir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((entry) => entry.isFile())
      .map((entry) => relative(remoteDir, join(entry.parentPath, entry.name)))
      .sort();
  }

  async read(remotePath: string, offset: number, maxBytes: number) {
    if (!existsSync(remotePath)) return { text: "", nextOffset: offset, size: 0 };
    const handle = await open(remotePath, "r");
    try {
      const size = (await handle.stat()).size;
      const length = Math.max(0, Math.min(maxBytes, size - offset));
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      const end = wholeCharacters(buffer.subarray(0, bytesRead));
      return { text: buffer.subarray(0, end).toString("utf8"), nextOffset: offset + end, size };
    } finally {
      await handle.close();
    }
  }

  async readSmall(remotePath: string): Promise<string | undefined> {
    return existsSync(remotePath) ? readFile(remotePath, "utf8") : undefined;
  }

  async close(): Promise<void> {}

  /** From `first` (the topmost folder created) down to `path`, owned like the shared folder. */
  private giveToOwner(first: string, path: string): void {
    if (process.getuid?.() !== 0) return;
    const { uid, gid } = statSync(this.root);
    if (uid === 0) return;
    let current = path;
    for (;;) {
      chownSync(current, uid, gid);
      if (current === first || dirname(current) === current) break;
      current = dirname(current);
    }
  }
}

async function copy(from: string, to: string, progress?: TransferProgress): Promise<number> {
  if (!existsSync(from)) throw new ModuleError("file_missing", `${from} does not exist`);
  const total = statSync(from).size;
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      progress?.(done, total);
      callback(null, chunk);
    },
  });
  await pipeline(createReadStream(from), counter, createWriteStream(to));
  return done;
}
