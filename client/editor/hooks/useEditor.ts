/** React bindings of the editor store: the context and a selector hook. */
import { createContext, useContext, useSyncExternalStore } from "react";
import type { EditorState, EditorStore } from "../core/editor-store.js";

export const EditorContext = createContext<EditorStore | null>(null);

export function useStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error("useStore outside <EditorContext>");
  return store;
}

/** A value of the editor state; the component re-renders when it changes (by identity). */
export function useEditor<T>(select: (state: EditorState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}
