/**
 * Connecting on the canvas: while dragging, handles show whether the connection would be allowed;
 * a drop on a handle that refuses it says why (naming both ports and their types) in the status
 * line; an allowed one goes to the store (which replaces an input's earlier connection). A wire
 * from an output dropped on a module's body or on an input's label connects as
 * core/wire-drop.ts decides.
 */
import {
  type Edge,
  type FinalConnectionState,
  type Connection as FlowConnection,
  useReactFlow,
} from "@xyflow/react";
import { useCallback } from "react";
import type { Connection } from "../../../server/schema/workflow-document.js";
import { portOfHandle } from "../canvas/flow-elements.js";
import { validateConnection } from "../core/connections.js";
import type { EditorStore } from "../core/editor-store.js";
import { hiddenModules } from "../core/groups.js";
import { wireDropOnModule } from "../core/wire-drop.js";

/** Where a pointer or touch ended, in page coordinates. */
function endPoint(event: MouseEvent | TouchEvent): { x: number; y: number } | undefined {
  if ("changedTouches" in event) {
    const touch = event.changedTouches[0];
    return touch ? { x: touch.clientX, y: touch.clientY } : undefined;
  }
  return { x: event.clientX, y: event.clientY };
}

const toConnection = (c: FlowConnection | Edge): Connection => ({
  from: { module: c.source, port: portOfHandle(c.sourceHandle) },
  to: { module: c.target, port: portOfHandle(c.targetHandle) },
});

export function useConnectHandlers(store: EditorStore) {
  const { screenToFlowPosition } = useReactFlow();
  const isValidConnection = useCallback(
    (c: FlowConnection | Edge) => {
      const { doc, catalog } = store.getState();
      return validateConnection(doc, catalog, toConnection(c)) === undefined;
    },
    [store],
  );

  const onConnect = useCallback((c: FlowConnection) => void store.connect(toConnection(c)), [store]);

  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (!state.toHandle && state.fromHandle?.type === "source") {
        const at = endPoint(event);
        if (!at) return;
        const { doc, catalog } = store.getState();
        const from = { module: state.fromHandle.nodeId, port: portOfHandle(state.fromHandle.id) };
        const drop = wireDropOnModule(doc, catalog, from, screenToFlowPosition(at), hiddenModules(doc));
        if (drop?.ok) store.connect(drop.connection);
        else if (drop) store.notify("error", `Connection refused: ${drop.reason}`);
        return;
      }
      if (state.isValid !== false || !state.toHandle || !state.fromHandle) return;
      const { fromHandle, toHandle } = state;
      if (fromHandle.type === toHandle.type) {
        const side = fromHandle.type === "source" ? "outputs" : "inputs";
        store.notify(
          "error",
          `Connection refused: two ${side} cannot be connected; connect an output to an input`,
        );
        return;
      }
      const [out, inp] = fromHandle.type === "source" ? [fromHandle, toHandle] : [toHandle, fromHandle];
      const connection: Connection = {
        from: { module: out.nodeId, port: portOfHandle(out.id) },
        to: { module: inp.nodeId, port: portOfHandle(inp.id) },
      };
      const { doc, catalog } = store.getState();
      const reason = validateConnection(doc, catalog, connection);
      if (reason) store.notify("error", `Connection refused: ${reason}`);
    },
    [store, screenToFlowPosition],
  );

  return { isValidConnection, onConnect, onConnectEnd };
}
