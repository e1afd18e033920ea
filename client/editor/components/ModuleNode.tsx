/**
 * One module on the canvas: title, id and type, a badge with its run state, and a typed handle
 * per port (colour by type, name shown). Memoised: React Flow re-renders it only when its node
 * object changes, and the node cache keeps that object while nothing shown changed.
 */
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import type { PortSpecView as PortSpec } from "../../../server/schema/catalog.js";
import type { ModuleRunState } from "../../platform/api/runs.js";
import { inputHandle, type ModuleFlowNode, outputHandle } from "../canvas/flow-elements.js";
import { portNameMayOverflow, subLineMayOverflow, titleMayOverflow } from "../canvas/node-text-fit.js";
import { useModuleProgress } from "../run/useModuleProgress.js";
import { valuePreview } from "../run/value-preview.js";

/** Texts that may not fit are clipped with an ellipsis; the others are not (node-text-fit.ts). */
const clipIf = (long: boolean) => (long ? " is-long" : "");

function badgeText(run: ModuleRunState, progress: number | undefined): string {
  if (run.status === "suspended" && progress !== undefined) return `suspended ${Math.round(progress * 100)}%`;
  return run.status;
}

interface PortRowProps {
  name: string;
  spec: PortSpec;
  side: "input" | "output";
  /** After a run, the short text of the value this output produced. */
  preview?: string | undefined;
}

function PortRow({ name, spec, side, preview }: PortRowProps) {
  const title = `${name}: ${spec.type}${spec.optional ? " (optional)" : ""}${spec.description ? ` - ${spec.description}` : ""}`;
  return (
    <div className={`lf-port lf-port-${side}`} title={title}>
      <Handle
        type={side === "input" ? "target" : "source"}
        position={side === "input" ? Position.Left : Position.Right}
        id={side === "input" ? inputHandle(name) : outputHandle(name)}
        className={`lf-handle port-${spec.type}`}
      />
      <span className={`lf-port-name${clipIf(portNameMayOverflow(name, spec.type))}`}>{name}</span>
      <span className="lf-port-type">{spec.type}</span>
      {preview && (
        <span className="lf-port-preview" data-testid="port-preview" data-port={name} title={preview}>
          {preview}
        </span>
      )}
    </div>
  );
}

function ModuleNodeView({ data, selected }: NodeProps<ModuleFlowNode>) {
  const { module, entry, inputs, outputs, problems, run } = data;
  const title = module.label ?? entry?.label ?? module.type;
  const status = run?.status ?? "idle";
  const failure = run?.error?.message ?? (run?.status === "failed" ? run.message : undefined);
  const progress = useModuleProgress(run);
  return (
    <div
      className={`lf-node status-${status}${selected ? " is-selected" : ""}${problems ? " has-problems" : ""}`}
      data-status={status}
    >
      <div className="lf-node-head">
        <span
          className={`lf-node-title${clipIf(titleMayOverflow(title, entry?.isJob === true, run !== undefined))}`}
        >
          {title}
        </span>
        {entry?.isJob && <span className="lf-job-mark" title="job module: may suspend" />}
        {run && (
          <span className={`lf-badge badge-${status}`} data-testid="status-badge">
            {badgeText(run, progress)}
          </span>
        )}
      </div>
      <div className={`lf-node-sub${clipIf(subLineMayOverflow(module.id, module.type))}`}>
        <span className="lf-node-id">{module.id}</span> <span className="lf-node-type">{module.type}</span>
      </div>
      <div className="lf-ports">
        <div className="lf-inputs">
          {Object.entries(inputs).map(([name, spec]) => (
            <PortRow key={name} name={name} spec={spec} side="input" />
          ))}
        </div>
        <div className="lf-outputs">
          {Object.entries(outputs).map(([name, spec]) => (
            <PortRow
              key={name}
              name={name}
              spec={spec}
              side="output"
              preview={
                run?.outputs && name in run.outputs ? valuePreview(run.outputs[name], spec.type) : undefined
              }
            />
          ))}
        </div>
      </div>
      {run?.status === "suspended" && progress !== undefined && (
        <progress className="lf-progress" max={1} value={progress} aria-label={`${module.id} progress`} />
      )}
      {failure && (
        <div className="lf-node-error" title={failure}>
          {failure}
        </div>
      )}
      {problems && (
        <div className="lf-node-problems" title={problems.map((p) => p.message).join("\n")}>
          {problems.length === 1
            ? problems[0]?.message
            : `${problems.length} problems: ${problems[0]?.message}`}
        </div>
      )}
    </div>
  );
}

export const ModuleNode = memo(ModuleNodeView);
