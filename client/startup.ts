/**
 * What the editor needs before its first render, fetched in parallel: the local draft, the module
 * catalog and, with `/?workflow=<name>`, that workflow. Rendering once with everything in hand
 * avoids laying out every node twice (first without port types, then with them).
 */

import type { CatalogEntry } from "../server/schema/catalog.js";
import { draftWouldBeReplaced } from "./editor/core/draft-choice.js";
import { EditorStore } from "./editor/core/editor-store.js";
import { emptyDocument } from "./editor/core/modules.js";
import { api } from "./platform/api/api-client.js";
import { loadDraft } from "./platform/storage/drafts.js";

export interface Startup {
  store: EditorStore;
  catalogError: string | undefined;
}

/** The editor opens without the server too (drafts work offline): do not wait for it forever. */
const SERVER_WAIT_MS = 5000;

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer from the server`)), SERVER_WAIT_MS),
    ),
  ]);
}

/** Drops `?workflow=` from the address, so that a reload shows the draft instead of asking again. */
function forgetWorkflowParam(): void {
  const url = new URL(location.href);
  url.searchParams.delete("workflow");
  history.replaceState(history.state, "", url);
}

export async function prepareEditor(
  search = location.search,
  ask: (question: string) => boolean = (question) => window.confirm(question),
): Promise<Startup> {
  const name = new URLSearchParams(search).get("workflow");
  const [draft, catalog, opened] = await Promise.all([
    loadDraft().catch(() => undefined),
    withDeadline(api.modules(), "the module catalog").then(
      (entries): { entries: CatalogEntry[]; error?: string } => ({ entries }),
      (error: Error) => ({ entries: [], error: error.message }),
    ),
    name
      ? withDeadline(api.workflow(name), name).then(
          (doc) => ({ doc, error: undefined }),
          (error: Error) => ({ doc: undefined, error: error.message }),
        )
      : undefined,
  ]);
  const doc = draft?.doc ?? emptyDocument();
  const store = new EditorStore(doc, draft?.unsaved ? undefined : doc);
  store.setCatalog(catalog.entries);
  const keepDraft =
    opened?.doc !== undefined &&
    draftWouldBeReplaced(draft, opened.doc) &&
    !ask(
      `Your draft of "${name}" has changes that are not in the saved workflow.\n\n` +
        `OK: open the saved "${name}" (Undo brings your draft back).\nCancel: keep working on your draft.`,
    );
  if (keepDraft) {
    forgetWorkflowParam();
    store.notify("info", `Kept your draft of ${doc.name}`);
  } else if (opened?.doc) {
    // An undoable step: Undo brings the draft back.
    store.openDocument(opened.doc, `Open ${name}`, true);
    store.notify("info", `Opened ${name}`);
  } else if (opened?.error) {
    store.notify("error", `Could not open ${name}: ${opened.error}`);
  } else if (draft) {
    store.notify("info", `Restored your draft of ${doc.name}`);
  }
  if (catalog.error) store.notify("error", `The module catalog could not be loaded: ${catalog.error}`);
  return { store, catalogError: catalog.error };
}
