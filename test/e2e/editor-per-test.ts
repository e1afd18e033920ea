import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { closeSharedBrowser, type EditorSession, openEditor, sharedBrowser } from "./editor-fixture.js";

/**
 * One server and one Chromium for a test file, and a fresh editor page on `path` for every test
 * (closed after it, with a screenshot when it failed). Returns the current test's session.
 */
export function editorForEachTest(path: string): () => EditorSession {
  let server: ServerProcess | undefined;
  let editor: EditorSession | undefined;
  beforeAll(async () => {
    [server] = await Promise.all([startServerProcess(), sharedBrowser()]);
  });
  afterAll(async () => {
    await closeSharedBrowser();
    await server?.stop();
  });
  beforeEach(async () => {
    editor = await openEditor({ ...(server ? { server } : {}), path });
  });
  afterEach(async (context) => {
    await editor?.close(context.task);
    editor = undefined;
  });
  return () => {
    if (!editor) throw new Error("no editor: editorForEachTest's page is opened before each test");
    return editor;
  };
}
