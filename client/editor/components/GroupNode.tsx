/**
 * A group on the canvas: a named frame behind its modules (dragged by its title bar, which moves
 * them all), or, collapsed, its title bar alone with the number of modules it hides.
 */
import type { Node, NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { Group } from "../../../server/schema/workflow-document.js";
import { useStore } from "../hooks/useEditor.js";

export type GroupFlowNode = Node<{ group: Group }, "group">;

function GroupNodeView({ data }: NodeProps<GroupFlowNode>) {
  const store = useStore();
  const { group } = data;
  const collapsed = group.collapsed === true;
  return (
    <div className={`lf-group${collapsed ? " is-collapsed" : ""}`} data-group={group.id}>
      <div className="lf-group-head">
        <button
          type="button"
          className="lf-group-toggle nodrag"
          aria-label={`${collapsed ? "Expand" : "Collapse"} group ${group.id}`}
          aria-expanded={!collapsed}
          onClick={() => store.setGroupCollapsed(group.id, !collapsed)}
        >
          {collapsed ? "▸" : "▾"}
        </button>
        <input
          className="lf-group-name nodrag"
          aria-label={`Group ${group.id} name`}
          value={group.name}
          placeholder="group name"
          onChange={(e) => store.setGroupName(group.id, e.target.value)}
        />
        {collapsed && <span className="lf-group-count">{group.modules.length} modules</span>}
        <button
          type="button"
          className="lf-group-ungroup nodrag"
          aria-label={`Ungroup ${group.id}`}
          title="Ungroup (the modules stay)"
          onClick={() => store.ungroup(group.id)}
        >
          ×
        </button>
      </div>
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
