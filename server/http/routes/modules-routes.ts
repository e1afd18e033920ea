import { Router } from "express";
import { type CatalogEntry, catalogEntry, withChoices } from "../../../modules/sdk/catalog.js";
import type { LabflowApp } from "../../app/labflow-app.js";

/** `GET /api/modules`: the palette's catalog. The registry is fixed once the server runs. */
export function modulesRoutes({ runtime }: LabflowApp): Router {
  let catalog: { modules: CatalogEntry[] } | undefined;
  return Router().get("/", (_req, res) => {
    const choices = { clusters: runtime.clusters?.names() ?? [] };
    catalog ??= { modules: runtime.registry.all().map((m) => withChoices(catalogEntry(m), choices)) };
    res.json(catalog);
  });
}
