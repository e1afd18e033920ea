/**
 * The canvas (region "Workflow"): React Flow bound to the editor store. Nodes and edges come from
 * the document through caches; every change React Flow reports is translated into one store call
 * (move, select, connect), and deletion, copy and paste go through the store's shortcuts.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  type EdgeChange,
  type NodeChange,
  Panel,
  ReactFlow,
  useStore as useFlowStore,
  useReactFlow,
  useStoreApi,
  type Viewport,
} from "@xyflow/react";
import {
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  FlowEdgeCache,
  FlowNodeCache,
  type ModuleFlowNode,
  type NoteFlowNode,
  NoteNodeCache,
} from "../canvas/flow-elements.js";
import { buildShapeScene, moduleAt } from "../canvas/shape-drawing.js";
import {
  fitViewOptions,
  LOW_ZOOM,
  minZoomFor,
  VIRTUALISE_ABOVE,
  viewportFor,
} from "../canvas/view-options.js";
import { groupBox } from "../core/group-box.js";
import { groupIdOf, groupNodeId, hiddenModules } from "../core/groups.js";
import type { Position } from "../core/modules.js";
import type { ProblemMap } from "../core/problems.js";
import { selectModules } from "../core/selection.js";
import { useConnectHandlers } from "../hooks/useConnectHandlers.js";
import { useEditor, useStore } from "../hooks/useEditor.js";
import { useKeepFramed } from "../hooks/useKeepFramed.js";
import type { RunView } from "../run/run-state.js";
import { FindBox } from "./FindBox.js";
import { type GroupFlowNode, GroupNode } from "./GroupNode.js";
import { ModuleMenu, type ModuleMenuAt } from "./ModuleMenu.js";
import { ModuleNode } from "./ModuleNode.js";
import { NoteNode } from "./NoteNode.js";
import { Overview } from "./Overview.js";
import { MODULE_DRAG_TYPE } from "./Palette.js";
import { RoutedEdge } from "./RoutedEdge.js";
import { ShapeLayer } from "./ShapeLayer.js";

const nodeTypes = { module: ModuleNode, note: NoteNode, group: GroupNode };
type FlowNode = ModuleFlowNode | NoteFlowNode | GroupFlowNode;
const edgeTypes = { routed: RoutedEdge };
/** At low zoom the wires are drawn with the modules (ShapeLayer): React Flow holds none. */
const NO_EDGES: Edge[] = [];
interface CanvasProps {
  problems: ProblemMap;
  run: RunView | undefined;
  /** Whether the find box (Ctrl+F) is shown. */
  findOpen: boolean;
  onFindClose: () => void;
}

export function Canvas({ problems, run, findOpen, onFindClose }: CanvasProps) {
  const store = useStore();
  const flowZoom = useStoreApi();
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const selection = useEditor((s) => s.selection);
  const { screenToFlowPosition } = useReactFlow();
  // Below LOW_ZOOM modules and wires are shapes on one canvas (ShapeLayer), not nodes: this
  // re-renders the canvas only when the zoom crosses that line.
  const lowZoom = useFlowStore((s) => s.transform[2] < LOW_ZOOM);

  const nodeCache = useRef(new FlowNodeCache());
  const edgeCache = useRef(new FlowEdgeCache());
  const noteCache = useRef(new NoteNodeCache());
  // The first view frames the document from its positions, once the pane's size is known.
  const section = useRef<HTMLElement>(null);
  const [startView, setStartView] = useState<Viewport>();
  const [paneSize, setPaneSize] = useState({ width: 0, height: 0 });
  useKeepFramed(section);
  useLayoutEffect(() => {
    const box = section.current?.getBoundingClientRect();
    const size = { width: box?.width ?? 0, height: box?.height ?? 0 };
    setPaneSize(size);
    setStartView(viewportFor(store.getState().doc, size.width, size.height));
  }, [store]);
  // Ready (for people's tests and the benchmark): the first frame with the nodes is painted.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!startView) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => setReady(true));
    });
    return () => cancelAnimationFrame(frame);
  }, [startView]);

  const builtModuleNodes = useMemo(
    () => nodeCache.current.build({ doc, catalog, selection, problems, run: run?.modules }),
    [doc, catalog, selection, problems, run],
  );
  // The modules of collapsed groups, and their wires, are hidden.
  const hidden = useMemo(() => hiddenModules(doc), [doc]);
  const moduleNodes = useMemo(
    () =>
      hidden.size === 0
        ? builtModuleNodes
        : builtModuleNodes.map((n) => (hidden.has(n.id) ? { ...n, hidden: true } : n)),
    [builtModuleNodes, hidden],
  );
  // At low zoom React Flow keeps the module nodes (fit and find frame them) but renders none.
  const flowModuleNodes = useMemo(
    () => (lowZoom ? moduleNodes.map((n) => (n.hidden ? n : { ...n, hidden: true })) : moduleNodes),
    [moduleNodes, lowZoom],
  );
  const noteNodes = useMemo(() => noteCache.current.build(doc), [doc]);
  const groupNodes = useMemo(
    (): GroupFlowNode[] =>
      (doc.groups ?? []).flatMap((group) => {
        const box = groupBox(doc, catalog, group);
        if (!box) return [];
        const size = { width: box.width, height: box.height };
        return [
          {
            id: groupNodeId(group.id),
            type: "group" as const,
            position: { x: box.x, y: box.y },
            data: { group },
            ...size,
            measured: size,
            zIndex: -1,
            // Only the title bar takes the pointer: the frame lets clicks reach the pane.
            style: { pointerEvents: "none" },
            selectable: false,
            dragHandle: ".lf-group-head",
            ariaLabel: `Group ${group.name || group.id}`,
          },
        ];
      }),
    [doc, catalog],
  );
  const nodes = useMemo(
    (): FlowNode[] =>
      noteNodes.length > 0 || groupNodes.length > 0
        ? [...groupNodes, ...flowModuleNodes, ...noteNodes]
        : flowModuleNodes,
    [flowModuleNodes, noteNodes, groupNodes],
  );
  const builtEdges = useMemo(
    () => edgeCache.current.build(doc, catalog, selection),
    [doc, catalog, selection],
  );
  const edges = useMemo(
    () =>
      hidden.size === 0
        ? builtEdges
        : builtEdges.map((e) => (hidden.has(e.source) || hidden.has(e.target) ? { ...e, hidden: true } : e)),
    [builtEdges, hidden],
  );
  const shapes = useMemo(
    () => (lowZoom ? buildShapeScene(moduleNodes, edges) : undefined),
    [lowZoom, moduleNodes, edges],
  );
  // From the pane's size at the start (not React Flow's, which it measures later: a change of the
  // least zoom updates React Flow's store, and every update re-runs its selectors over all nodes).
  const minZoom = useMemo(() => minZoomFor(doc, paneSize.width, paneSize.height), [doc, paneSize]);

  // At low zoom a click on a module's shape selects it (Ctrl-click adds or removes it). React
  // Flow clears the selection after this handler: the choice is applied after it.
  const onPaneClick = useCallback(
    (event: ReactMouseEvent) => {
      if (!shapes) return;
      const zoom = flowZoom.getState().transform[2];
      const id = moduleAt(shapes, screenToFlowPosition({ x: event.clientX, y: event.clientY }), 3 / zoom);
      const adding = event.ctrlKey || event.metaKey;
      const before = store.getState().selection.modules;
      queueMicrotask(() => {
        const modules = new Set(adding ? before : []);
        if (id !== undefined && adding && before.has(id)) modules.delete(id);
        else if (id !== undefined) modules.add(id);
        store.select({ modules, connections: new Set() });
      });
    },
    [shapes, store, screenToFlowPosition, flowZoom],
  );

  // Sizes React Flow measures are not fed back: every node's size and handle positions are known
  // from its ports (canvas/node-geometry.ts), so a measurement never has to re-render the canvas.
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      let selected: Set<string> | undefined;
      const moving = new Map<string, Position>();
      const moved = new Map<string, Position>();
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          const groupId = groupIdOf(change.id);
          if (groupId === undefined) {
            (change.dragging ? moving : moved).set(change.id, change.position);
            continue;
          }
          // A group moves its modules by as much as its frame moved.
          const { doc, catalog } = store.getState();
          const group = doc.groups?.find((g) => g.id === groupId);
          const box = group && groupBox(doc, catalog, group);
          if (!group || !box) continue;
          const dx = change.position.x - box.x;
          const dy = change.position.y - box.y;
          for (const m of doc.modules)
            if (group.modules.includes(m.id)) {
              const p = m.position ?? { x: 0, y: 0 };
              (change.dragging ? moving : moved).set(m.id, { x: p.x + dx, y: p.y + dy });
            }
        } else if (change.type === "select") {
          selected ??= new Set(store.getState().selection.modules);
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (moving.size > 0) store.moveDuring(moving);
      if (moved.size > 0) store.endMove(moved);
      if (selected) store.select({ ...store.getState().selection, modules: selected });
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let selected: Set<string> | undefined;
      for (const change of changes) {
        if (change.type !== "select") continue;
        selected ??= new Set(store.getState().selection.connections);
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      if (selected) store.select({ ...store.getState().selection, connections: selected });
    },
    [store],
  );

  const { isValidConnection, onConnect, onConnectEnd } = useConnectHandlers(store);

  // Right-click on a module: it joins the selection (or becomes it), and the menu acts on that.
  const [menu, setMenu] = useState<ModuleMenuAt>();
  const closeMenu = useCallback(() => setMenu(undefined), []);
  const onNodeContextMenu = useCallback(
    (event: ReactMouseEvent, node: FlowNode) => {
      event.preventDefault();
      if (node.type !== "module") return;
      const { selection } = store.getState();
      if (!selection.modules.has(node.id)) store.select(selectModules([node.id]));
      setMenu({ x: event.clientX, y: event.clientY, moduleId: node.id });
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(MODULE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(MODULE_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      store.addModule(type, { x: at.x - 20, y: at.y - 12 });
    },
    [store, screenToFlowPosition],
  );

  /** A new note goes in the middle of the view (or the nearest free spot). */
  const addNoteInView = useCallback(() => {
    const box = section.current?.getBoundingClientRect();
    if (!box) return;
    const centre = screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
    store.addNote({ x: centre.x - 110, y: centre.y - 55 });
  }, [store, screenToFlowPosition]);

  // The dot pattern moves with the view (a full repaint per frame): not for big workflows nor at
  // low zoom, where it is a dense grey anyway.
  const big = nodes.length > VIRTUALISE_ABOVE;
  return (
    <section
      ref={section}
      className="lf-canvas"
      aria-label="Workflow"
      data-ready={ready ? "true" : "false"}
      data-modules={doc.modules.length}
      data-detail={lowZoom ? "shapes" : "nodes"}
    >
      {startView && (
        <ReactFlow<FlowNode>
          nodes={nodes}
          edges={lowZoom ? NO_EDGES : edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          onDragOver={onDragOver}
          onDrop={onDrop}
          onNodeContextMenu={onNodeContextMenu}
          onPaneClick={onPaneClick}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={["Meta", "Control"]}
          snapToGrid
          snapGrid={[10, 10]}
          minZoom={minZoom}
          maxZoom={2}
          defaultViewport={startView}
          onlyRenderVisibleElements={big}
          elevateEdgesOnSelect
          elevateNodesOnSelect={false}
        >
          {shapes && <ShapeLayer scene={shapes} />}
          {!big && !lowZoom && <Background variant={BackgroundVariant.Dots} gap={20} size={1} />}
          <Panel position="top-left">
            <button type="button" className="lf-add-note" onClick={addNoteInView}>
              Add note
            </button>
            <button
              type="button"
              className="lf-auto-layout"
              onClick={() => store.autoLayout()}
              title="Lay out the selected modules, or all when none is selected (L)"
            >
              Auto-layout
            </button>
          </Panel>
          {findOpen && (
            <Panel position="top-center">
              <FindBox onClose={onFindClose} />
            </Panel>
          )}
          <Panel position="bottom-right">
            <Overview nodes={moduleNodes} />
          </Panel>
          <Controls showInteractive={false} fitViewOptions={fitViewOptions()} />
        </ReactFlow>
      )}
      {menu && (
        <ModuleMenu
          at={menu}
          onDuplicate={() => store.duplicateSelection()}
          onDelete={() => store.deleteSelection()}
          onAutoLayout={() => store.autoLayout()}
          onGroup={() => store.groupSelection()}
          onClose={closeMenu}
        />
      )}
      {doc.modules.length === 0 && (
        <p className="lf-canvas-hint">Drag modules here from the palette, or double-click one to add it.</p>
      )}
    </section>
  );
}
