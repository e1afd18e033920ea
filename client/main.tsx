/** Entry point: loads what the editor needs (see startup.ts), then mounts it. */
import "@xyflow/react/dist/base.css";
import "./styles/app.css";
import "./styles/chrome.css";
import "./styles/canvas.css";
import "./styles/node.css";
import "./styles/panels.css";
import "./styles/results.css";
import { ReactFlowProvider } from "@xyflow/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { EditorContext } from "./editor/hooks/useEditor.js";
import { prepareEditor } from "./startup.js";

async function start(): Promise<void> {
  const { store, catalogError } = await prepareEditor();
  const root = document.getElementById("root");
  if (!root) throw new Error("no #root element");
  createRoot(root).render(
    <StrictMode>
      <EditorContext value={store}>
        <ReactFlowProvider>
          <App catalogError={catalogError} />
        </ReactFlowProvider>
      </EditorContext>
    </StrictMode>,
  );
}

void start();
