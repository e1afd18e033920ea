/** The catalog's loading state; it is first loaded before the editor renders (startup.ts). */
import { useCallback, useState } from "react";
import { api } from "../../platform/api/api-client.js";
import { useStore } from "./useEditor.js";

export interface CatalogState {
  loading: boolean;
  error: string | undefined;
  reload: () => void;
}

export function useCatalog(initialError: string | undefined): CatalogState {
  const store = useStore();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState(initialError);
  const reload = useCallback(() => {
    setLoading(true);
    api
      .modules()
      .then((entries) => {
        store.setCatalog(entries);
        setError(undefined);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  }, [store]);
  return { loading, error, reload };
}
