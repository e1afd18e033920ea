import { createHash } from "node:crypto";
import type { Workspace } from "../../modules/sdk/workspace.js";
import { canonicalJson } from "./canonical-json.js";
import type { ValidGraph } from "./validate-workflow.js";

/**
 * The signature of each module execution: a hash of its type, module version, params (after
 * defaults), its fingerprint (e.g. a read file's mtime) and, per input port, the signature and port
 * of the upstream output feeding it. Equal signatures mean equal results, so results are cached by
 * it; a changed param changes the signature of that module and of everything downstream of it.
 *
 * Computed for the whole graph up front (signatures depend on upstream signatures, not on their
 * outputs), so a cached run needs one batch look-up.
 */
export function computeSignatures(graph: ValidGraph, workspace: Workspace): string[] {
  const signatures: string[] = new Array(graph.nodes.length);
  for (const index of graph.order) {
    const node = graph.nodes[index];
    if (!node) continue;
    const { definition } = node;
    const hash = createHash("sha256");
    hash.update(`${definition.type}@${definition.version}\n`);
    hash.update(canonicalJson(node.params));
    if (definition.fingerprint) hash.update(`\nfp:${canonicalJson(safeFingerprint(node, workspace))}`);
    const ports = [...node.inputs.keys()].sort();
    for (const port of ports) {
      const source = node.inputs.get(port);
      if (source) hash.update(`\n${port}<${signatures[source.node]}.${source.port}`);
    }
    signatures[index] = hash.digest("hex");
  }
  return signatures;
}

/**
 * The id of the job a module execution starts: stable for a run, a module and its signature, so a
 * restart finds it again (the idempotency key). The module id is part of it because two modules
 * alike in every way are still two jobs (two acquisitions of the same settings are two datasets).
 */
export function jobIdFor(runId: string, moduleId: string, signature: string): string {
  return `job-${createHash("sha256").update(`${runId}:${moduleId}:${signature}`).digest("hex").slice(0, 20)}`;
}

/** A fingerprint that throws must not stop the run: the module then runs (and reports its own error). */
function safeFingerprint(node: ValidGraph["nodes"][number], workspace: Workspace): unknown {
  try {
    return node.definition.fingerprint?.(node.params, workspace);
  } catch (error) {
    return { fingerprintFailed: error instanceof Error ? error.message : String(error), at: Date.now() };
  }
}
