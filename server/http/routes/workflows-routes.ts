import { Router } from "express";
import type { LabflowApp } from "../../app/labflow-app.js";
import { CheckWorkflowRequest } from "../../schema/api.js";
import { WorkflowDocument } from "../../schema/workflow-document.js";
import { parseBody } from "../validate-input.js";

/** `/api/workflows`: saved documents by name, and the examples, read-only. */
export function workflowsRoutes({ workflows, runtime }: LabflowApp): Router {
  return (
    Router()
      // Before `/:name`: "check" is no workflow's name here.
      .post("/check", (req, res) => {
        const { workflow } = parseBody(CheckWorkflowRequest, req.body);
        res.json({ problems: runtime.engine.check(workflow) });
      })
      .get("/", async (_req, res) => {
        res.json({ workflows: await workflows.list() });
      })
      .get("/:name", async (req, res) => {
        res.json(await workflows.get(req.params.name));
      })
      .put("/:name", async (req, res) => {
        const document = parseBody(WorkflowDocument, req.body);
        const { created } = await workflows.put(req.params.name, document);
        res.status(created ? 201 : 200).json({ name: req.params.name, readOnly: false, workflow: document });
      })
      .delete("/:name", async (req, res) => {
        await workflows.delete(req.params.name);
        res.status(204).end();
      })
  );
}
