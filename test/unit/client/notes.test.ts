import { describe, expect, it } from "vitest";
import { EditorStore } from "../../../client/editor/core/editor-store.js";
import { moveModules } from "../../../client/editor/core/modules.js";
import {
  addNote,
  noteIdOf,
  noteNodeId,
  removeNotes,
  setNoteText,
} from "../../../client/editor/core/notes.js";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { catalogEntries, doc } from "./catalog-fixture.js";

describe("notes on the canvas", () => {
  it("adds a note with a fresh id, edits its text and moves it by its canvas id", () => {
    const first = addNote(doc(), { x: 10.4, y: 20 });
    const second = addNote(first.doc, { x: 300, y: 20 }, "hello");
    expect([first.id, second.id]).toEqual(["note1", "note2"]);
    const edited = setNoteText(second.doc, "note1", "calibrate first").doc;
    const moved = moveModules(edited, new Map([[noteNodeId("note1"), { x: 50, y: 60 }]])).doc;
    expect(moved.notes).toEqual([
      { id: "note1", text: "calibrate first", position: { x: 50, y: 60 } },
      { id: "note2", text: "hello", position: { x: 300, y: 20 } },
    ]);
    expect(noteIdOf(noteNodeId("note1"))).toBe("note1");
    expect(noteIdOf("note1")).toBeUndefined();
  });

  it("removing the last note leaves the document as it was before notes", () => {
    const before = doc((w) => w.module("n1", "basic.Constant"));
    const added = addNote(before, { x: 0, y: 0 });
    expect(removeNotes(added.doc, [added.id]).doc).toEqual(before);
  });

  it("keeps notes in the document schema, and documents without notes valid", () => {
    const withNote = addNote(doc(), { x: 0, y: 0 }, "text").doc;
    expect(WorkflowDocument.parse(withNote).notes).toHaveLength(1);
    expect(WorkflowDocument.parse(doc()).notes).toBeUndefined();
  });

  it("adds notes in free space and undoes them", () => {
    const s = new EditorStore(doc((w) => w.module("n1", "basic.Constant").at("n1", 0, 0)));
    s.setCatalog(catalogEntries);
    s.addNote({ x: 0, y: 0 });
    const note = s.getState().doc.notes?.[0];
    expect(note?.position).not.toEqual({ x: 0, y: 0 });
    s.undo();
    expect(s.getState().doc.notes).toBeUndefined();
  });

  it("places a new module off a note", () => {
    const s = new EditorStore();
    s.setCatalog(catalogEntries);
    s.addNote({ x: 0, y: 0 });
    s.addModule("basic.Constant", { x: 0, y: 0 });
    const module = s.getState().doc.modules[0];
    const note = s.getState().doc.notes?.[0];
    const apart =
      (module?.position?.x ?? 0) >= (note?.position.x ?? 0) + 220 ||
      (module?.position?.y ?? 0) >= (note?.position.y ?? 0) + 110 ||
      (module?.position?.x ?? 0) + 200 <= (note?.position.x ?? 0) ||
      (module?.position?.y ?? 0) + 80 <= (note?.position.y ?? 0);
    expect(apart).toBe(true);
  });
});
