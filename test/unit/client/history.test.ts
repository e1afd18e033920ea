import { describe, expect, it } from "vitest";
import { connect } from "../../../client/editor/core/connections.js";
import type { Edit } from "../../../client/editor/core/edit.js";
import { emptyHistory, type History, record, redo, undo } from "../../../client/editor/core/history.js";
import { addModule, moveModules, setParam } from "../../../client/editor/core/modules.js";
import type { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { catalog, conn, doc } from "./catalog-fixture.js";

const entry = (type: string) => catalog.get(type)!;

function play(start: WorkflowDocument, steps: ((d: WorkflowDocument) => Edit)[]) {
  let d = start;
  let h: History = emptyHistory();
  const seen = [d];
  for (const step of steps) {
    const e = step(d);
    h = record(h, e, "step");
    d = e.doc;
    seen.push(d);
  }
  return { doc: d, history: h, seen };
}

const connected = (d: WorkflowDocument, from: string, to: string): Edit => {
  const r = connect(d, catalog, conn(from, to));
  if (!r.ok) throw new Error(r.reason);
  return r.edit;
};

describe("undo history through Immer patches", () => {
  const steps = [
    (d: WorkflowDocument) => addModule(d, entry("basic.Constant"), { x: 0, y: 0 }, "k"),
    (d: WorkflowDocument) => addModule(d, entry("basic.Add"), { x: 200, y: 0 }, "s"),
    (d: WorkflowDocument) => connected(d, "k.value", "s.a"),
    (d: WorkflowDocument) => setParam(d, "k", "value", 42),
    (d: WorkflowDocument) => moveModules(d, new Map([["s", { x: 300, y: 50 }]])),
  ];

  it("undoes every step back to the start and redoes them to the end", () => {
    const { doc: end, history, seen } = play(doc(), steps);
    let d = end;
    let h = history;
    for (let i = steps.length - 1; i >= 0; i--) {
      const t = undo(h, d)!;
      d = t.doc;
      h = t.history;
      expect(d).toEqual(seen[i]);
    }
    expect(undo(h, d)).toBeUndefined();
    for (let i = 1; i <= steps.length; i++) {
      const t = redo(h, d)!;
      d = t.doc;
      h = t.history;
      expect(d).toEqual(seen[i]);
    }
    expect(redo(h, d)).toBeUndefined();
  });

  it("keeps patches, not copies of the document", () => {
    const { history } = play(doc(), steps);
    const setStep = history.past[3]!;
    expect(setStep.patches).toEqual([{ op: "replace", path: ["modules", 0, "params", "value"], value: 42 }]);
    expect(setStep.inverse).toEqual([{ op: "replace", path: ["modules", 0, "params", "value"], value: 0 }]);
  });

  it("merges edits with the same merge key into one step", () => {
    let d = doc((w) => w.module("k", "basic.Constant", { value: 0 }));
    const start = d;
    let h = emptyHistory();
    for (const value of [1, 12, 123]) {
      const e = setParam(d, "k", "value", value);
      h = record(h, e, "type", "param:k:value");
      d = e.doc;
    }
    expect(h.past).toHaveLength(1);
    expect(undo(h, d)!.doc).toEqual(start);
  });

  it("drops the redo stack when a new edit is recorded after an undo", () => {
    const { doc: end, history } = play(doc(), steps.slice(0, 2));
    const back = undo(history, end)!;
    const e = addModule(back.doc, entry("text.Upper"), { x: 0, y: 0 });
    expect(record(back.history, e, "add").future).toEqual([]);
  });
});
