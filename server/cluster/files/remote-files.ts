import type { TransferProgress } from "../../../modules/sdk/clusters.js";
import type { LogChunk } from "../../../modules/sdk/job.js";

/** How files reach a cluster: SFTP to a login host, or a folder both sides see. Streams, never whole files. */
export interface RemoteFiles {
  mkdir(remoteDir: string): Promise<void>;
  upload(localPath: string, remotePath: string, progress?: TransferProgress): Promise<number>;
  download(remotePath: string, localPath: string, progress?: TransferProgress): Promise<number>;
  /** Files under a folder, relative to it; [] when the folder does not exist. */
  list(remoteDir: string): Promise<string[]>;
  read(remotePath: string, offset: number, maxBytes: number): Promise<LogChunk>;
  readSmall(remotePath: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The end of a read that stops at the last whole UTF-8 character. */
export function wholeCharacters(buffer: Buffer): number {
  let end = buffer.length;
  while (end > 0 && ((buffer[end - 1] as number) & 0xc0) === 0x80) end--;
  if (end > 0 && (buffer[end - 1] as number) >= 0xc0) end--;
  return end === 0 ? buffer.length : end;
}
