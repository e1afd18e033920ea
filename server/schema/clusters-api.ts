/**
 * The clusters the server may submit to, as the editor's picker shows them (`GET /api/clusters`):
 * names and the logged-in users only; no URL credentials, tokens or keys ever.
 */
import { z } from "zod";

export const ClusterView = z.object({
  name: z.string(),
  /** Users with a stored login (`labflow cluster login`); empty: nobody can submit yet. */
  users: z.array(z.string()),
});
export type ClusterView = z.infer<typeof ClusterView>;

/** `GET /api/clusters` */
export const ClustersAnswer = z.object({
  configured: z.boolean(),
  clusters: z.array(ClusterView),
  message: z.string().optional(),
});
export type ClustersAnswer = z.infer<typeof ClustersAnswer>;
