/**
 * The document as React Flow nodes and edges. Node and edge objects are cached and reused while
 * nothing they show changed, so an edit re-renders only the nodes it touched (React Flow compares
 * node objects by identity). Immer keeps unchanged modules identical, which makes this cheap.
 */
import type { Edge, Node } from "@xyflow/react";
import type { CatalogEntry, PortSpecView as PortSpec } from "../../../server/schema/catalog.js";
import type { ModuleInstance, Note, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import type { Catalog } from "../../platform/api/catalog.js";
import type { ModuleRunState } from "../../platform/api/runs.js";
import { connectionKey } from "../core/connections.js";
import { moduleRects, portPoint } from "../core/module-box.js";
import { NOTE_SIZE, noteNodeId } from "../core/notes.js";
import { portSpec, portsFromConnections, portTypeOf } from "../core/ports.js";
import { type Problem, type ProblemMap, problemsKey } from "../core/problems.js";
import type { Selection } from "../core/selection.js";
import { detourLane } from "../core/wire-route.js";
import { type NodeGeometry, nodeGeometry } from "./node-geometry.js";

export interface ModuleNodeData extends Record<string, unknown> {
  module: ModuleInstance;
  entry: CatalogEntry | undefined;
  inputs: Readonly<Record<string, PortSpec>>;
  outputs: Readonly<Record<string, PortSpec>>;
  problems: readonly Problem[] | undefined;
  run: ModuleRunState | undefined;
}

export type ModuleFlowNode = Node<ModuleNodeData, "module">;

/** Handle ids: inputs and outputs may share a name (Log has `value` on both sides). */
export const inputHandle = (port: string) => `in:${port}`;
export const outputHandle = (port: string) => `out:${port}`;
export const portOfHandle = (handle: string | null | undefined): string =>
  (handle ?? "").replace(/^(in|out):/, "");

export type NoteFlowNode = Node<{ note: Note }, "note">;

/** Notes as canvas nodes, reusing the node of every note that did not change. */
export class NoteNodeCache {
  private cache = new Map<Note, NoteFlowNode>();

  build(doc: WorkflowDocument): NoteFlowNode[] {
    const next = new Map<Note, NoteFlowNode>();
    const nodes = (doc.notes ?? []).map((note) => {
      const node: NoteFlowNode = this.cache.get(note) ?? {
        id: noteNodeId(note.id),
        type: "note",
        position: note.position,
        data: { note },
        initialWidth: NOTE_SIZE.width,
        initialHeight: NOTE_SIZE.height,
        measured: { ...NOTE_SIZE },
        selectable: false,
        ariaLabel: `Note ${note.id}`,
      };
      next.set(note, node);
      return node;
    });
    this.cache = next;
    return nodes;
  }
}

interface CachedNode {
  node: ModuleFlowNode;
  module: ModuleInstance;
  entry: CatalogEntry | undefined;
  selected: boolean;
  problems: string;
  run: ModuleRunState | undefined;
  ports: string;
}

export interface NodeInputs {
  doc: WorkflowDocument;
  catalog: Catalog;
  selection: Selection;
  problems: ProblemMap;
  run: Readonly<Record<string, ModuleRunState>> | undefined;
}

const NO_PORTS: Readonly<Record<string, PortSpec>> = {};

/**
 * Geometry (size, handles) per set of ports: every module of a type shares the catalog entry's
 * port objects, so 10,000 modules of a few types share a few geometries instead of allocating
 * their own (opening a big workflow spent much of its time building, then collecting, them).
 */
const geometries = new WeakMap<object, WeakMap<object, NodeGeometry>>();
function sharedGeometry(
  inputs: Readonly<Record<string, PortSpec>>,
  outputs: Readonly<Record<string, PortSpec>>,
): NodeGeometry {
  let byOutputs = geometries.get(inputs);
  if (!byOutputs) {
    byOutputs = new WeakMap();
    geometries.set(inputs, byOutputs);
  }
  let geometry = byOutputs.get(outputs);
  if (!geometry) {
    geometry = nodeGeometry(inputs, outputs, { input: inputHandle, output: outputHandle });
    byOutputs.set(outputs, geometry);
  }
  return geometry;
}

/** The node's DOM attributes, one object per run state. */
const statusAttributes = new Map<string, ModuleFlowNode["domAttributes"]>();
function domAttributesOf(status: string): ModuleFlowNode["domAttributes"] {
  let attributes = statusAttributes.get(status);
  if (!attributes) {
    attributes = { "data-status": status } as ModuleFlowNode["domAttributes"];
    statusAttributes.set(status, attributes);
  }
  return attributes;
}

/** Builds nodes, reusing the previous object of every node whose inputs did not change. */
export class FlowNodeCache {
  private cache = new Map<string, CachedNode>();

  build({ doc, catalog, selection, problems, run }: NodeInputs): ModuleFlowNode[] {
    const next = new Map<string, CachedNode>();
    const nodes = doc.modules.map((module) => {
      const entry = catalog.get(module.type);
      const unknownPorts = entry ? undefined : portsFromConnections(doc, module.id);
      const c: Omit<CachedNode, "node"> = {
        module,
        entry,
        selected: selection.modules.has(module.id),
        problems: problemsKey(problems.get(module.id)),
        run: run?.[module.id],
        ports: unknownPorts ? JSON.stringify(unknownPorts) : "",
      };
      const old = this.cache.get(module.id);
      const same =
        old &&
        old.module === c.module &&
        old.entry === c.entry &&
        old.selected === c.selected &&
        old.problems === c.problems &&
        old.run === c.run &&
        old.ports === c.ports;
      const node = same ? old.node : makeNode(c, problems.get(module.id), unknownPorts);
      next.set(module.id, { ...c, node });
      return node;
    });
    this.cache = next;
    return nodes;
  }
}

function makeNode(
  c: Omit<CachedNode, "node">,
  problems: readonly Problem[] | undefined,
  unknownPorts: ReturnType<typeof portsFromConnections> | undefined,
): ModuleFlowNode {
  const inputs = c.entry?.inputs ?? unknownPorts?.inputs ?? NO_PORTS;
  const outputs = c.entry?.outputs ?? unknownPorts?.outputs ?? NO_PORTS;
  const geometry = sharedGeometry(inputs, outputs);
  const node: ModuleFlowNode = {
    id: c.module.id,
    type: "module",
    position: c.module.position ?? { x: 0, y: 0 },
    data: {
      module: c.module,
      entry: c.entry,
      inputs,
      outputs,
      problems,
      run: c.run,
    },
    selected: c.selected,
    initialWidth: geometry.width,
    initialHeight: geometry.height,
    // The size is known, not measured: a node object made anew (on select, on edit) without it
    // would count as unmeasured, and React Flow would hold every fitView until a re-measure that
    // never comes (the DOM size did not change), so F and the fit button stopped working.
    measured: { width: geometry.width, height: geometry.height },
    handles: geometry.handles,
    ariaLabel: c.module.id,
    domAttributes: domAttributesOf(c.run?.status ?? "idle"),
  };
  return node;
}

/**
 * Wires are drawn above modules (and modules are not raised when selected): a wire that crosses a
 * module stays visible over it instead of passing under it, which read as going through it.
 */
export const EDGE_Z_INDEX = 1;

interface CachedEdge {
  edge: Edge;
  connection: WorkflowDocument["connections"][number];
  selected: boolean;
  type: string;
  lane: number | undefined;
}

/** Above this many modules wires are not routed around modules (it costs modules x wires). */
const ROUTE_UP_TO = 300;

/**
 * Builds edges, reusing unchanged ones; an edge takes the colour of its output's type, and a wire
 * with a module in its way goes around it (a "routed" edge with its lane).
 */
export class FlowEdgeCache {
  private cache = new Map<string, CachedEdge>();

  build(doc: WorkflowDocument, catalog: Catalog, selection: Selection): Edge[] {
    const next = new Map<string, CachedEdge>();
    const byId = new Map(doc.modules.map((m) => [m.id, m]));
    const route = doc.modules.length <= ROUTE_UP_TO && doc.connections.length > 0;
    const rects = route ? moduleRects(doc, catalog) : [];
    const edges: Edge[] = [];
    for (const connection of doc.connections) {
      const id = connectionKey(connection);
      const fromModule = byId.get(connection.from.module);
      const toModule = byId.get(connection.to.module);
      const type = portTypeOf(portSpec(catalog, fromModule, "output", connection.from.port));
      const selected = selection.connections.has(id);
      let lane: number | undefined;
      if (route && fromModule && toModule) {
        const from = portPoint(doc, catalog, fromModule, "output", connection.from.port);
        const to = portPoint(doc, catalog, toModule, "input", connection.to.port);
        const others = rects.filter((_, i) => doc.modules[i] !== fromModule && doc.modules[i] !== toModule);
        if (from && to) lane = detourLane(from, to, others);
      }
      const old = this.cache.get(id);
      const edge =
        old &&
        old.connection === connection &&
        old.selected === selected &&
        old.type === type &&
        old.lane === lane
          ? old.edge
          : {
              id,
              source: connection.from.module,
              sourceHandle: outputHandle(connection.from.port),
              target: connection.to.module,
              targetHandle: inputHandle(connection.to.port),
              selected,
              zIndex: EDGE_Z_INDEX,
              className: `port-${type}`,
              ariaLabel: `${connection.from.module}.${connection.from.port} to ${connection.to.module}.${connection.to.port}`,
              ...(lane === undefined ? {} : { type: "routed", data: { lane } }),
            };
      next.set(id, { edge, connection, selected, type, lane });
      edges.push(edge);
    }
    this.cache = next;
    return edges;
  }
}
