/**
 * The editor's state and the one place that changes it: the document, its undo history, the
 * selection and the last notice. Framework-free (React subscribes through `subscribe`); every
 * change of the document goes through a graph operation and an Immer patch pair.
 */

import type { CatalogEntry } from "../../../server/schema/catalog.js";
import type { Connection, WorkflowDocument } from "../../../server/schema/workflow-document.js";
import { type Catalog, indexCatalog } from "../../platform/api/catalog.js";
import { type Clipboard, copyModules, paste } from "./clipboard.js";
import { connect, removeConnections } from "./connections.js";
import { combineEdits, type Edit, replaceDocument } from "./edit.js";
import { groupModules, setGroupCollapsed, setGroupName, ungroup } from "./groups.js";
import { emptyHistory, type History, record, redo, undo } from "./history.js";
import { layoutModules } from "./layout.js";
import { moduleRects, moduleSize, nodeSize, type Rect } from "./module-box.js";
import {
  addModule,
  emptyDocument,
  moveModules,
  type Position,
  removeModules,
  renameModule,
  setLabel,
  setParam,
  setWorkflowInfo,
} from "./modules.js";
import { addNote, NOTE_SIZE, removeNotes, setNoteText } from "./notes.js";
import { boundsOf, freeSpotNear } from "./placement.js";
import { NO_SELECTION, prune, type Selection, selectEverything, selectModules } from "./selection.js";

export type { Selection } from "./selection.js";

export interface Notice {
  id: number;
  kind: "info" | "error";
  text: string;
}

export interface EditorState {
  doc: WorkflowDocument;
  history: History;
  selection: Selection;
  catalog: Catalog;
  /** The document as last saved or opened; the work is unsaved when `doc` is another object. */
  savedDoc: WorkflowDocument | undefined;
  notice: Notice | undefined;
}

/** What new modules and notes must not cover: every module and every note on the canvas. */
const occupied = (doc: WorkflowDocument, catalog: Catalog): Rect[] => [
  ...moduleRects(doc, catalog),
  ...(doc.notes ?? []).map((n) => ({ ...n.position, ...NOTE_SIZE })),
];

export class EditorStore {
  private state: EditorState;
  private readonly listeners = new Set<() => void>();
  private clipboard: Clipboard | undefined;
  private noticeId = 0;
  private drag: { base: WorkflowDocument; moved: Map<string, Position> } | undefined;

  constructor(doc: WorkflowDocument = emptyDocument(), savedDoc?: WorkflowDocument) {
    this.state = {
      doc,
      history: emptyHistory(),
      selection: NO_SELECTION,
      catalog: new Map(),
      savedDoc,
      notice: undefined,
    };
  }

  getState = (): EditorState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(next: Partial<EditorState>): void {
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }

  /** Records an edit in the history and shows its document. */
  apply(e: Edit, label: string, mergeKey?: string, selection?: Selection): void {
    if (e.patches.length === 0 && !selection) return;
    const history = record(this.state.history, e, label, mergeKey);
    this.set({ doc: e.doc, history, selection: selection ?? prune(e.doc, this.state.selection) });
  }

  setCatalog(entries: readonly CatalogEntry[]): void {
    this.set({ catalog: indexCatalog(entries) });
  }

  notify(kind: Notice["kind"], text: string): void {
    this.set({ notice: { id: ++this.noticeId, kind, text } });
  }

  // ---- modules and connections

  /** Adds a module at `near`, or at the free spot nearest to it when another module is there. */
  addModule(type: string, near: Position): string | undefined {
    const entry = this.state.catalog.get(type);
    if (!entry) {
      this.notify("error", `unknown module type "${type}"`);
      return undefined;
    }
    const { doc, catalog } = this.state;
    const size = nodeSize(Object.keys(entry.inputs).length, Object.keys(entry.outputs).length);
    const e = addModule(doc, entry, freeSpotNear(occupied(doc, catalog), near, size));
    this.apply(e, `Add ${e.id}`, undefined, selectModules([e.id]));
    return e.id;
  }

  /** Connects, or shows why not. Returns whether the connection was made. */
  connect(c: Connection): boolean {
    const result = connect(this.state.doc, this.state.catalog, c);
    if (!result.ok) {
      this.notify("error", `Connection refused: ${result.reason}`);
      return false;
    }
    this.apply(result.edit, `Connect ${c.to.module}.${c.to.port}`);
    if (result.replaced)
      this.notify(
        "info",
        `${c.to.module}.${c.to.port} now comes from ${c.from.module}.${c.from.port} (replaced ${result.replaced.from.module}.${result.replaced.from.port})`,
      );
    return true;
  }

  deleteSelection(): void {
    const { modules, connections } = this.state.selection;
    if (modules.size === 0 && connections.size === 0) return;
    const withoutEdges = removeConnections(this.state.doc, connections);
    const e = combineEdits(withoutEdges, removeModules(withoutEdges.doc, modules));
    this.apply(e, "Delete", undefined, NO_SELECTION);
  }

  /** A move while dragging: shown at once, recorded as one step by `endMove`. */
  moveDuring(positions: ReadonlyMap<string, Position>): void {
    this.drag ??= { base: this.state.doc, moved: new Map() };
    for (const [id, p] of positions) this.drag.moved.set(id, p);
    this.set({ doc: moveModules(this.state.doc, positions).doc });
  }

  endMove(positions?: ReadonlyMap<string, Position>): void {
    const drag = this.drag ?? { base: this.state.doc, moved: new Map<string, Position>() };
    this.drag = undefined;
    for (const [id, p] of positions ?? []) drag.moved.set(id, p);
    if (drag.moved.size === 0) return;
    this.apply(moveModules(drag.base, drag.moved), "Move");
  }

  /**
   * Lays out the selected modules (every module when none is selected) from left to right along
   * their connections: one undoable step. Returns how many modules were laid out.
   */
  autoLayout(): number {
    const { doc, catalog, selection } = this.state;
    const positions = layoutModules(doc, catalog, selection.modules);
    if (positions.size === 0) return 0;
    this.apply(moveModules(doc, positions), "Auto-layout");
    return positions.size;
  }

  setParam(moduleId: string, key: string, value: unknown): void {
    this.apply(
      setParam(this.state.doc, moduleId, key, value),
      `Set ${moduleId}.${key}`,
      `param:${moduleId}:${key}`,
    );
  }

  setLabel(moduleId: string, label: string): void {
    this.apply(setLabel(this.state.doc, moduleId, label), `Label ${moduleId}`, `label:${moduleId}`);
  }

  /** Renames a module; returns the reason when the id cannot be used. */
  renameModule(from: string, to: string): string | undefined {
    const result = renameModule(this.state.doc, from, to);
    if (!result.ok) return result.reason;
    const modules = [...this.state.selection.modules].map((id) => (id === from ? to : id));
    this.apply(result.edit, `Rename ${from}`, undefined, selectModules(modules));
    return undefined;
  }

  // ---- notes

  /** Adds an empty note at `near` (or the nearest free spot); returns its id. */
  addNote(near: Position): string {
    const { doc, catalog } = this.state;
    const at = freeSpotNear(occupied(doc, catalog), near, NOTE_SIZE);
    const e = addNote(doc, at);
    this.apply(e, "Add note");
    return e.id;
  }

  setNoteText(id: string, text: string): void {
    this.apply(setNoteText(this.state.doc, id, text), "Edit note", `note:${id}`);
  }

  removeNote(id: string): void {
    this.apply(removeNotes(this.state.doc, [id]), "Delete note");
  }

  // ---- groups

  /** Groups the selected modules; returns the new group's id (undefined with none selected). */
  groupSelection(name?: string): string | undefined {
    const e = groupModules(this.state.doc, this.state.selection.modules, name);
    if (!e) return undefined;
    this.apply(e, "Group");
    return e.id;
  }

  setGroupName(id: string, name: string): void {
    this.apply(setGroupName(this.state.doc, id, name), "Name group", `group:${id}`);
  }

  setGroupCollapsed(id: string, collapsed: boolean): void {
    this.apply(
      setGroupCollapsed(this.state.doc, id, collapsed),
      collapsed ? "Collapse group" : "Expand group",
    );
  }

  ungroup(id: string): void {
    this.apply(ungroup(this.state.doc, [id]), "Ungroup");
  }

  setWorkflowInfo(info: { name?: string; description?: string }): void {
    const key = info.name !== undefined ? "workflow:name" : "workflow:description";
    this.apply(setWorkflowInfo(this.state.doc, info), "Workflow info", key);
  }

  // ---- selection

  select(selection: Selection): void {
    this.set({ selection });
  }

  selectAll(): void {
    this.select(selectEverything(this.state.doc));
  }

  // ---- clipboard

  copy(): number {
    const ids = this.state.selection.modules;
    if (ids.size === 0) return 0;
    this.clipboard = copyModules(this.state.doc, ids);
    return ids.size;
  }

  cut(): void {
    if (this.copy() > 0) this.deleteSelection();
  }

  /** Pastes in the free space nearest to where the copied modules were (beside them, if they are still there). */
  paste(): void {
    if (this.clipboard) this.pasteNear(this.clipboard, "Paste");
  }

  /** Copies of the selected modules (and their inner connections) beside them; the clipboard is left alone. */
  duplicateSelection(): void {
    const ids = this.state.selection.modules;
    if (ids.size > 0) this.pasteNear(copyModules(this.state.doc, ids), "Duplicate");
  }

  private pasteNear(clipboard: Clipboard, label: string): void {
    if (clipboard.modules.length === 0) return;
    const { doc, catalog } = this.state;
    const copied = clipboard.modules.map((m) => ({
      ...(m.position ?? { x: 0, y: 0 }),
      ...moduleSize(doc, catalog, m),
    }));
    const box = boundsOf(copied) ?? { x: 0, y: 0, width: 0, height: 0 };
    const at = freeSpotNear(occupied(doc, catalog), box, box);
    const e = paste(doc, clipboard, { x: at.x - box.x, y: at.y - box.y });
    this.apply(e, label, undefined, selectModules(e.ids));
  }

  // ---- history

  undo(): void {
    const travel = undo(this.state.history, this.state.doc);
    if (travel)
      this.set({
        doc: travel.doc,
        history: travel.history,
        selection: prune(travel.doc, this.state.selection),
      });
  }

  redo(): void {
    const travel = redo(this.state.history, this.state.doc);
    if (travel)
      this.set({
        doc: travel.doc,
        history: travel.history,
        selection: prune(travel.doc, this.state.selection),
      });
  }

  // ---- whole documents

  /** Shows another document (New, Open, Import): one undoable step. */
  openDocument(doc: WorkflowDocument, label: string, saved: boolean): void {
    const e = replaceDocument(this.state.doc, doc);
    this.apply(e, label, undefined, NO_SELECTION);
    this.set({ savedDoc: saved ? this.state.doc : this.state.savedDoc });
  }

  markSaved(): void {
    this.set({ savedDoc: this.state.doc });
  }
}
