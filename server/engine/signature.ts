import { createHash, hash } from "node:crypto";
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
 *
 * A module declared `cache: "never"` gets the run id (and its module id) as a salt: its execution in
 * each run is its own work, never served from the cache, and what is downstream of it runs again too.
 */
export function computeSignatures(
  graph: ValidGraph,
  workspace: Workspace,
  runId: string,
  rerun?: FreshStart,
): string[] {
  const signatures: string[] = new Array(graph.nodes.length);
  // Modules with equal params share the parsed object (validate-workflow.ts): its text is made once.
  const paramsText = new Map<Record<string, unknown>, string>();
  for (const index of graph.order) {
    const node = graph.nodes[index];
    if (!node) continue;
    const { definition } = node;
    // One string hashed at once: the same bytes, so the same signature, as an update per part.
    let text = `${definition.type}@${definition.version}\n`;
    // A fresh start of the same work is a different execution: its own signature, its own job.
    if (rerun && (rerun.modules === "all" || rerun.modules.includes(node.id))) text += `rerun:${runId}\n`;
    if (definition.cache === "never") text += `never-cached:${runId}/${node.id}\n`;
    let params = paramsText.get(node.params);
    if (params === undefined) {
      params = canonicalJson(node.params);
      paramsText.set(node.params, params);
    }
    text += params;
    if (definition.fingerprint) text += `\nfp:${canonicalJson(safeFingerprint(node, workspace))}`;
    if (node.inputs.size === 1) {
      for (const [port, source] of node.inputs) text += `\n${port}<${signatures[source.node]}.${source.port}`;
    } else if (node.inputs.size > 1) {
      const ports = [...node.inputs.keys()].sort();
      for (const port of ports) {
        const source = node.inputs.get(port);
        if (source) text += `\n${port}<${signatures[source.node]}.${source.port}`;
      }
    }
    // The one-shot hash: a third of a Hash object's cost for a short text (same digest).
    signatures[index] = hash("sha256", text, "hex");
  }
  return signatures;
}

/**
 * Modules a person asked to start afresh although their work is unchanged (`rerun`): salted with the
 * run id, so each fresh start is its own execution.
 */
export interface FreshStart {
  modules: readonly string[] | "all";
}

/**
 * The id of a job: a job is its work, so the id comes from the module signature (VisTrails finds
 * jobs by signature too). Every execution of the same work in this data folder, in any run, finds
 * the same job: a restart, a second run, a second module alike in every way. `attempt` counts
 * earlier jobs of the same work that failed or were cancelled, so that a new try gets an id of its
 * own. `folderKey` is the data folder's own random key: the id is also the key by which outside
 * systems find a submission again (a Slurm job's comment), and the same work of another labflow
 * (another lab on the same cluster) must never be taken for this one's.
 */
export function jobIdFor(signature: string, attempt: number, folderKey: string): string {
  const id = `job-${createHash("sha256").update(`${folderKey}:${signature}`).digest("hex").slice(0, 20)}`;
  return attempt === 0 ? id : `${id}-${attempt + 1}`;
}

/** A fingerprint that throws must not stop the run: the module then runs (and reports its own error). */
function safeFingerprint(node: ValidGraph["nodes"][number], workspace: Workspace): unknown {
  try {
    return node.definition.fingerprint?.(node.params, workspace);
  } catch (error) {
    return { fingerprintFailed: error instanceof Error ? error.message : String(error), at: Date.now() };
  }
}
