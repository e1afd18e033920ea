import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import {
  closeSharedBrowser,
  type EditorSession,
  type OpenEditorOptions,
  openEditor,
  sharedBrowser,
} from "./editor-fixture.js";

export interface FileEditors {
  /** The file's server (started before its first test). */
  server(): ServerProcess;
  /** Opens an editor page for the current test; it is closed after the test (a screenshot when it failed). */
  open(path?: string): Promise<EditorSession>;
}

/** One server and one Chromium for a test file, and the editor pages its tests open. */
export function editorsForFile(): FileEditors {
  let server: ServerProcess | undefined;
  const opened: EditorSession[] = [];
  beforeAll(async () => {
    [server] = await Promise.all([startServerProcess(), sharedBrowser()]);
  });
  afterAll(async () => {
    await closeSharedBrowser();
    await server?.stop();
  });
  afterEach(async (context) => {
    for (const editor of opened.splice(0)) await editor.close(context.task);
  });
  const fileServer = () => {
    if (!server) throw new Error("no server: editorsForFile starts it before the file's first test");
    return server;
  };
  return {
    server: fileServer,
    async open(path) {
      const options: OpenEditorOptions = { server: fileServer(), ...(path ? { path } : {}) };
      const editor = await openEditor(options);
      opened.push(editor);
      return editor;
    },
  };
}

/**
 * One server and one Chromium for a test file, and a fresh editor page on `path` for every test
 * (closed after it, with a screenshot when it failed). Returns the current test's session.
 */
export function editorForEachTest(path?: string): () => EditorSession {
  const editors = editorsForFile();
  let editor: EditorSession | undefined;
  beforeEach(async () => {
    editor = await editors.open(path);
  });
  afterEach(() => {
    editor = undefined;
  });
  return () => {
    if (!editor) throw new Error("no editor: editorForEachTest's page is opened before each test");
    return editor;
  };
}
