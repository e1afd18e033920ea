import type { ModuleServices } from "../../modules/sdk/instruments.js";
import type { ModuleRegistry } from "../../modules/sdk/registry.js";
import type { Workspace } from "../../modules/sdk/workspace.js";
import { deepFreeze } from "./deep-freeze.js";
import { computeSignatures, type FreshStart } from "./signature.js";
import { refuseByServices, type ValidGraph, validateWorkflow } from "./validate-workflow.js";

/** How many documents' plans are kept: re-runs are of the few workflows being worked on. */
const PLANS_KEPT = 4;

interface Plan {
  graph: ValidGraph;
  /** Signatures when no module depends on the run or on files (no `cache: "never"`, no fingerprint). */
  signatures?: readonly string[];
  /** The graph has a module whose signature changes from run to run or with files: never reused. */
  variable: boolean;
  /** The document as each run's workflow.json has it. */
  file?: string;
  /** The document as the Store keeps it. */
  json?: string;
}

/**
 * Validation and signatures, done once per document version: an unchanged re-run of a 10,000-module
 * workflow spent most of its time parsing and hashing what it had parsed and hashed before. Plans are
 * kept by the document's JSON text (any change is a new version) for the last few documents.
 *
 * What may differ between two runs of the same text is done again every time: the lent services'
 * checks (instrument rules may have changed), the signatures of a graph with `cache: "never"` or
 * fingerprinted modules (run id, file mtimes), and of a fresh start (rerun). A kept graph's module
 * definitions stay the registry's: a type is registered once and never replaced (`register` refuses).
 *
 * Runs of one plan share its graph, so a kept graph's params are frozen: a module that changed
 * `ctx.params` would otherwise change the params of later runs, whose signatures were made from
 * the params as written (it throws instead; params were always read-only, as part of the signature).
 */
export class PlanMemo {
  private readonly plans = new Map<string, Plan>();

  constructor(private readonly registry: ModuleRegistry) {}

  /** The document's graph, validated (against `services` too) now or before; throws like validateWorkflow. */
  graph(document: unknown, services: ModuleServices): ValidGraph {
    const key = documentKey(document);
    const kept = key === undefined ? undefined : this.plans.get(key);
    if (kept) {
      // The most recently used stays longest.
      this.plans.delete(key as string);
      this.plans.set(key as string, kept);
      refuseByServices(kept.graph, services);
      return kept.graph;
    }
    const graph = validateWorkflow(document, this.registry, { services });
    if (key !== undefined) this.remember(key, graph);
    return graph;
  }

  /** The signatures of a run of `graph`; reused when nothing in them depends on the run. */
  signatures(graph: ValidGraph, workspace: Workspace, runId: string, rerun?: FreshStart): readonly string[] {
    const plan = this.planOf(graph);
    if (rerun || !plan || plan.variable) return computeSignatures(graph, workspace, runId, rerun);
    plan.signatures ??= computeSignatures(graph, workspace, runId);
    return plan.signatures;
  }

  /** The text of a run's workflow.json: the validated document, indented for people. */
  documentFile(graph: ValidGraph): string {
    const plan = this.planOf(graph);
    const file = plan?.file ?? `${JSON.stringify(graph.document, null, 2)}\n`;
    if (plan) plan.file = file;
    return file;
  }

  /** `JSON.stringify(graph.document)`, made once per document version. */
  documentJson(graph: ValidGraph): string {
    const plan = this.planOf(graph);
    const json = plan?.json ?? JSON.stringify(graph.document);
    if (plan) plan.json = json;
    return json;
  }

  private remember(key: string, graph: ValidGraph): void {
    for (const node of graph.nodes) deepFreeze(node.params);
    const variable = graph.nodes.some((n) => n.definition.cache === "never" || n.definition.fingerprint);
    this.plans.set(key, { graph, variable });
    for (const oldest of this.plans.keys()) {
      if (this.plans.size <= PLANS_KEPT) break;
      this.plans.delete(oldest);
    }
  }

  private planOf(graph: ValidGraph): Plan | undefined {
    for (const plan of this.plans.values()) if (plan.graph === graph) return plan;
    return undefined;
  }
}

/** The document's version: its JSON text, or undefined for what JSON cannot hold (never kept). */
function documentKey(document: unknown): string | undefined {
  try {
    return JSON.stringify(document);
  } catch {
    return undefined;
  }
}
