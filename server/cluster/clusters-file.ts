/**
 * The clusters file (JSON or YAML): the Slurm clusters labflow may submit to, each with its
 * slurmrestd address and how files reach it. Credentials are never here (see credential-store.ts):
 * this file says where a cluster is, a login says who may use it.
 *
 * ```yaml
 * clusters:
 *   - name: scarf
 *     url: https://slurm.example.org:6820
 *     apiVersion: v0.0.38
 *     partition: compute
 *     sftp: { host: login.example.org, hostKeyFingerprint: "SHA256:...", remoteBase: /home/me/labflow }
 *   - name: local
 *     url: http://127.0.0.1:6820
 *     sharedFolder: { path: /shared/labflow }
 * ```
 */
import { resolve } from "node:path";
import { z } from "zod";
import {
  ConfigFileError,
  checkConfigSchema,
  findConfigFile,
  parseConfigDocument,
  readConfigText,
} from "../config/config-file.js";
import { SLURM_API_VERSION } from "./slurm/api-version.js";

const name = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    "use letters, digits, '_', '.', '-' (starting with a letter or digit)",
  );
const remotePath = z.string().regex(/^\//, "give an absolute path");

const sftpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  /** The login on the host; default: the Slurm user of the login (`labflow cluster login --user`). */
  user: z.string().min(1).optional(),
  /** What `ssh-keygen -lf KEY.pub` prints for the host's key: the connection is refused on any other. */
  hostKeyFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'give the host key\'s "SHA256:..." fingerprint (ssh-keygen -lf)'),
  /** The folder on the cluster under which each job gets its own folder. */
  remoteBase: remotePath,
});

const clusterSchema = z
  .strictObject({
    name,
    /** slurmrestd's base URL, e.g. https://slurm.example.org:6820 */
    url: z.url({ protocol: /^https?$/, error: "give slurmrestd's http:// or https:// URL" }),
    apiVersion: z.literal(SLURM_API_VERSION, {
      error: `labflow speaks slurmrestd API ${SLURM_API_VERSION} (Slurm 22.05)`,
    }),
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    sftp: sftpSchema.optional(),
    /** A folder the cluster's nodes and this machine both see at the same path. */
    sharedFolder: z.strictObject({ path: remotePath }).optional(),
  })
  .refine((cluster) => (cluster.sftp === undefined) !== (cluster.sharedFolder === undefined), {
    message: "give exactly one of sftp and sharedFolder (how files reach the cluster)",
  });

export const clustersFileSchema = z.strictObject({ clusters: z.array(clusterSchema).default([]) });

export type ClusterConfig = z.infer<typeof clusterSchema>;
export interface ClustersConfig {
  /** The file it came from (absolute), or "<text>". */
  source: string;
  clusters: ClusterConfig[];
}

export class ClustersFileError extends ConfigFileError {
  declare readonly code: "clusters_file_invalid";
  constructor(file: string, problems: string[]) {
    super("clusters_file_invalid", file, problems);
  }
}

const DEFAULT_NAMES = ["clusters.json", "clusters.yaml", "clusters.yml"];

/** `explicit` (from --clusters) or the first of clusters.json|yaml|yml in the data folder. */
export function findClustersFile(dataDir: string, explicit?: string): string | undefined {
  return findConfigFile(
    dataDir,
    DEFAULT_NAMES,
    explicit,
    (path) => new ClustersFileError(path, ["the clusters file does not exist"]),
  );
}

export function loadClustersFile(path: string): ClustersConfig {
  const absolute = resolve(path);
  const { text, format } = readConfigText(absolute, (problem) => new ClustersFileError(absolute, [problem]));
  return parseClustersText(text, absolute, format);
}

export function parseClustersText(
  text: string,
  source = "<text>",
  format: "json" | "yaml" = "yaml",
): ClustersConfig {
  const fail = (problems: string[]) => new ClustersFileError(source, problems);
  const doc = parseConfigDocument(text, format, fail);
  const { clusters } = checkConfigSchema(clustersFileSchema, doc, fail);
  const problems: string[] = [];
  const seen = new Set<string>();
  clusters.forEach((cluster, i) => {
    if (seen.has(cluster.name))
      problems.push(
        `clusters[${i}] "${cluster.name}": name "${cluster.name}" is declared twice${doc.lineOf(["clusters", i, "name"])}`,
      );
    seen.add(cluster.name);
  });
  if (problems.length > 0) throw fail(problems);
  return { source, clusters };
}
