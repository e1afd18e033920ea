/** New, Open, Save, Import and Export: the store, the API and files, bound together. */
import { useReactFlow } from "@xyflow/react";
import { useCallback, useMemo } from "react";
import { ApiError, api } from "../../platform/api/api-client.js";
import { viewportFor } from "../canvas/view-options.js";
import { documentFileName, documentText, isSaveableName, parseDocumentText } from "../core/document-file.js";
import type { EditorStore } from "../core/editor-store.js";
import { emptyDocument } from "../core/modules.js";

export interface DocumentActions {
  newDocument(): void;
  open(name: string): Promise<void>;
  save(): Promise<void>;
  importFile(file: File): Promise<void>;
  exportFile(): void;
}

export function useDocumentActions(store: EditorStore): DocumentActions {
  const { setViewport } = useReactFlow();
  /** Frames a document just opened, from its positions (nothing needs measuring first). */
  const refit = useCallback(() => {
    const box = document.querySelector(".lf-canvas")?.getBoundingClientRect();
    void setViewport(viewportFor(store.getState().doc, box?.width ?? 0, box?.height ?? 0));
  }, [setViewport, store]);

  const newDocument = useCallback(() => {
    store.openDocument(emptyDocument(), "New", false);
    store.notify("info", "New workflow (Undo brings the previous one back)");
  }, [store]);

  const open = useCallback(
    async (name: string) => {
      try {
        const doc = await api.workflow(name);
        store.openDocument(doc, `Open ${name}`, true);
        store.notify("info", `Opened ${name}`);
        refit();
      } catch (error) {
        store.notify("error", `Could not open ${name}: ${(error as Error).message}`);
      }
    },
    [store, refit],
  );

  const save = useCallback(async () => {
    const { doc } = store.getState();
    if (!isSaveableName(doc.name)) {
      store.notify(
        "error",
        `Cannot save "${doc.name}": a name is 1 to 100 letters, digits, _ . - (rename it in the inspector)`,
      );
      return;
    }
    try {
      await api.saveWorkflow(doc);
      if (store.getState().doc === doc) store.markSaved();
      store.notify("info", `Saved ${doc.name}`);
    } catch (error) {
      const readOnly = error instanceof ApiError && error.info.code === "read_only";
      store.notify(
        "error",
        readOnly
          ? `"${doc.name}" is a read-only example: rename the workflow to save your own copy`
          : `Save failed: ${(error as Error).message}`,
      );
    }
  }, [store]);

  const importFile = useCallback(
    async (file: File) => {
      const parsed = parseDocumentText(await file.text());
      if (!parsed.ok) {
        store.notify("error", `${file.name}: ${parsed.reason}`);
        return;
      }
      store.openDocument(parsed.doc, `Import ${file.name}`, false);
      store.notify("info", `Imported ${file.name}`);
      refit();
    },
    [store, refit],
  );

  const exportFile = useCallback(() => {
    const { doc } = store.getState();
    const url = URL.createObjectURL(new Blob([documentText(doc)], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = documentFileName(doc);
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }, [store]);

  return useMemo(
    () => ({ newDocument, open, save, importFile, exportFile }),
    [newDocument, open, save, importFile, exportFile],
  );
}
