/**
 * Local drafts in IndexedDB (Dexie): the only file that knows about browser storage. The editor
 * autosaves its document here, so a reload or a closed tab restores the work. A write that a page
 * unload would cut short (IndexedDB is asynchronous) is stashed synchronously in localStorage
 * first; loading takes whichever of the two is newer.
 */
import { Dexie, type EntityTable } from "dexie";
import { WorkflowDocument } from "../../../server/schema/workflow-document.js";

export interface Draft {
  /** One draft per browser profile and page origin for now: "current". */
  key: string;
  doc: WorkflowDocument;
  /** Whether the draft has changes that were not saved to the server. */
  unsaved: boolean;
  updatedAt: string;
}

/** The run the editor last started, so its live state comes back after a reload. */
interface WatchedRun {
  key: string;
  runId: string;
}

const CURRENT = "current";

class DraftDatabase extends Dexie {
  drafts!: EntityTable<Draft, "key">;
  watchedRuns!: EntityTable<WatchedRun, "key">;
  constructor() {
    super("labflow-editor");
    this.version(1).stores({ drafts: "key, updatedAt", watchedRuns: "key" });
  }
}

let database: DraftDatabase | undefined;
const db = (): DraftDatabase => {
  database ??= new DraftDatabase();
  return database;
};

const STASH_KEY = "labflow-draft-stash";

function readStash(): Draft | undefined {
  try {
    const text = localStorage.getItem(STASH_KEY);
    return text ? (JSON.parse(text) as Draft) : undefined;
  } catch {
    return undefined;
  }
}

/** The last draft, or undefined when there is none (or it is unreadable). */
export async function loadDraft(): Promise<{ doc: WorkflowDocument; unsaved: boolean } | undefined> {
  const stored = await db().drafts.get(CURRENT);
  const stash = readStash();
  const draft = stash && (!stored || stash.updatedAt > stored.updatedAt) ? stash : stored;
  if (!draft) return undefined;
  const parsed = WorkflowDocument.safeParse(draft.doc);
  return parsed.success ? { doc: parsed.data, unsaved: draft.unsaved } : undefined;
}

export async function saveDraft(doc: WorkflowDocument, unsaved: boolean): Promise<void> {
  const updatedAt = new Date().toISOString();
  await db().drafts.put({ key: CURRENT, doc, unsaved, updatedAt });
  const stash = readStash();
  if (stash && stash.updatedAt <= updatedAt) localStorage.removeItem(STASH_KEY);
}

/**
 * Keeps the draft synchronously (the page is going away: an IndexedDB write might not finish).
 * The next saveDraft clears it.
 */
export function stashDraft(doc: WorkflowDocument, unsaved: boolean): void {
  try {
    const draft: Draft = { key: CURRENT, doc, unsaved, updatedAt: new Date().toISOString() };
    localStorage.setItem(STASH_KEY, JSON.stringify(draft));
  } catch {
    // Over quota or storage disabled: the IndexedDB write is all there is.
  }
}

export async function clearDraft(): Promise<void> {
  await db().drafts.delete(CURRENT);
}

export async function loadWatchedRun(): Promise<string | undefined> {
  return (await db().watchedRuns.get(CURRENT))?.runId;
}

export async function saveWatchedRun(runId: string | undefined): Promise<void> {
  if (runId === undefined) await db().watchedRuns.delete(CURRENT);
  else await db().watchedRuns.put({ key: CURRENT, runId });
}
