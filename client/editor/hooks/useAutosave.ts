/**
 * Autosaves the document as a local draft (IndexedDB) a moment after each change, and at once
 * (synchronously) when the page is hidden or unloaded, so a reload or a closed tab restores it.
 */
import { useEffect } from "react";
import { saveDraft, stashDraft } from "../../platform/storage/drafts.js";
import { useStore } from "./useEditor.js";

const DELAY_MS = 300;

export function useAutosave(): void {
  const store = useStore();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let written = store.getState().doc;
    let writtenSaved = store.getState().savedDoc;
    let writing = 0;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      const { doc, savedDoc } = store.getState();
      if (doc === written && savedDoc === writtenSaved) return;
      written = doc;
      writtenSaved = savedDoc;
      writing++;
      saveDraft(doc, doc !== savedDoc)
        .catch((error: Error) =>
          store.notify("error", `The draft could not be kept in this browser: ${error.message}`),
        )
        .finally(() => writing--);
    };
    const unsubscribe = store.subscribe(() => {
      const { doc, savedDoc } = store.getState();
      if (doc === written && savedDoc === writtenSaved) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, DELAY_MS);
    });
    /** The page may be going away: keep the pending change synchronously, then write it. */
    const leaving = () => {
      const { doc, savedDoc } = store.getState();
      const settled = timer === undefined && writing === 0;
      if (settled && doc === written && savedDoc === writtenSaved) return;
      stashDraft(doc, doc !== savedDoc);
      flush();
    };
    const onHide = () => {
      if (document.visibilityState === "hidden") leaving();
    };
    document.addEventListener("visibilitychange", onHide);
    window.addEventListener("pagehide", leaving);
    return () => {
      unsubscribe();
      flush();
      document.removeEventListener("visibilitychange", onHide);
      window.removeEventListener("pagehide", leaving);
    };
  }, [store]);
}
