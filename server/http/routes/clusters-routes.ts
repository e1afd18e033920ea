import { Router } from "express";
import { NO_CLUSTERS_MESSAGE } from "../../../modules/sdk/clusters.js";
import type { LabflowApp } from "../../app/labflow-app.js";
import type { ClustersAnswer } from "../../schema/clusters-api.js";

/** `/api/clusters`: the configured clusters' names and logged-in users, for the editor's picker. */
export function clustersRoutes({ runtime }: LabflowApp): Router {
  return Router().get("/", (_req, res) => {
    const clusters = runtime.clusters;
    const answer: ClustersAnswer = clusters
      ? {
          configured: true,
          clusters: clusters.names().map((name) => ({ name, users: clusters.credentials.users(name) })),
        }
      : { configured: false, clusters: [], message: NO_CLUSTERS_MESSAGE };
    res.json(answer);
  });
}
