/**
 * The editor in real Chromium against the real server: what a person does with the mouse and
 * keyboard, found by accessible names (docs/editor.md, "For tests"). One Chromium and one server
 * for the file; every test has a fresh browser context, so it starts with no draft.
 */
import { describe, expect, it } from "vitest";
import {
  canvas,
  clickModule,
  connectionEdge,
  dragConnection,
  dragModuleOntoCanvas,
  inspector,
  moduleNode,
  paramField,
  setParam,
  sidebarTab,
  statusLine,
} from "./editor-actions.js";
import { waitForEditorReady } from "./editor-fixture.js";
import { editorForEachTest } from "./editor-per-test.js";

/** A slow, shared 2-core machine: waits are for events, but may take long. */
const TEST_TIMEOUT_MS = 120_000;
const WAIT = { timeout: 30_000 };
const ATTACHED = { state: "attached", ...WAIT } as const;

const currentEditor = editorForEachTest();

/** Waits until the module `id` shows run state `status` (its `data-status`). */
async function moduleStatus(id: string, status: string): Promise<void> {
  await currentEditor()
    .page.locator(`.react-flow__node[data-id="${id}"][data-status="${status}"]`)
    .waitFor({ state: "visible", ...WAIT });
}

describe("the workflow editor in Chromium", { timeout: TEST_TIMEOUT_MS }, () => {
  it("builds a three-module workflow by drag and drop, sets parameters, runs it and shows the outputs", async () => {
    const { page } = currentEditor();
    await dragModuleOntoCanvas(page, "Constant", { x: 80, y: 120 });
    await dragModuleOntoCanvas(page, "Expression", { x: 340, y: 120 });
    await dragModuleOntoCanvas(page, "Log", { x: 600, y: 120 });
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("3");
    for (const id of ["constant1", "expression1", "log1"]) await moduleStatus(id, "idle");

    await dragConnection(page, "constant1.value", "expression1.a");
    await dragConnection(page, "expression1.result", "log1.value");
    await connectionEdge(page, "constant1.value", "expression1.a").waitFor(ATTACHED);
    await connectionEdge(page, "expression1.result", "log1.value").waitFor(ATTACHED);

    await clickModule(page, "constant1");
    await setParam(page, "value", "7");
    await clickModule(page, "expression1");
    await setParam(page, "expression", "a * 3");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor(ATTACHED);
    for (const id of ["constant1", "expression1", "log1"]) await moduleStatus(id, "done");
    await expect
      .poll(() => moduleNode(page, "log1").getByTestId("status-badge").textContent(), WAIT)
      .toBe("done");

    await clickModule(page, "log1");
    await sidebarTab(page, "Results");
    const lastRun = inspector(page).getByRole("region", { name: "Results" });
    await expect.poll(() => lastRun.locator('[data-port="value"]').textContent(), WAIT).toBe("21");
    await clickModule(page, "expression1");
    await expect.poll(() => lastRun.locator('[data-port="result"]').textContent(), WAIT).toBe("21");
  });

  it("restores the draft from IndexedDB after a reload, and after the tab is closed", async () => {
    const { page, context } = currentEditor();
    await dragModuleOntoCanvas(page, "Constant", { x: 80, y: 120 });
    await dragModuleOntoCanvas(page, "Log", { x: 400, y: 120 });
    await dragConnection(page, "constant1.value", "log1.value");
    await clickModule(page, "constant1");
    await setParam(page, "value", "42");
    // The autosave writes to IndexedDB a moment after the last change.
    await expect
      .poll(() => page.evaluate(readDraftFromIndexedDb), WAIT)
      .toMatchObject({ modules: 2, connections: 1, value: 42 });

    await currentEditor().reload();
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("2");
    await connectionEdge(page, "constant1.value", "log1.value").waitFor(ATTACHED);
    await expect.poll(() => statusLine(page).textContent(), WAIT).toContain("Restored your draft");
    await clickModule(page, "constant1");
    await expect.poll(() => paramField(page, "value").inputValue(), WAIT).toBe("42");

    // A change, then the tab is closed at once: the draft keeps it too.
    await dragModuleOntoCanvas(page, "Add", { x: 200, y: 360 });
    await moduleNode(page, "add1").waitFor(ATTACHED);
    await page.close({ runBeforeUnload: true });
    const reopened = await context.newPage();
    await reopened.goto(currentEditor().url);
    await waitForEditorReady(reopened);
    await expect.poll(() => canvas(reopened).getAttribute("data-modules"), WAIT).toBe("3");
    await moduleNode(reopened, "add1").waitFor(ATTACHED);
    await connectionEdge(reopened, "constant1.value", "log1.value").waitFor(ATTACHED);
  });

  it("undoes and redoes a connection with the buttons and with Ctrl+Z / Ctrl+Shift+Z", async () => {
    const { page } = currentEditor();
    await dragModuleOntoCanvas(page, "Constant", { x: 80, y: 120 });
    await dragModuleOntoCanvas(page, "Log", { x: 400, y: 120 });
    await dragConnection(page, "constant1.value", "log1.value");
    const edge = connectionEdge(page, "constant1.value", "log1.value");
    await edge.waitFor(ATTACHED);
    const undo = page.getByRole("button", { name: "Undo", exact: true });
    const redo = page.getByRole("button", { name: "Redo", exact: true });

    await undo.click();
    await edge.waitFor({ state: "detached", ...WAIT });
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("2");
    await redo.click();
    await edge.waitFor(ATTACHED);
    await expect.poll(() => redo.isDisabled(), WAIT).toBe(true);

    await page.keyboard.press("Control+z");
    await edge.waitFor({ state: "detached", ...WAIT });
    await expect.poll(() => canvas(page).getAttribute("data-modules"), WAIT).toBe("2");
    await page.keyboard.press("Control+Shift+z");
    await edge.waitFor(ATTACHED);
  });

  it("refuses a connection between incompatible port types and says why in the status line", async () => {
    const { page } = currentEditor();
    await dragModuleOntoCanvas(page, "Text template", { x: 80, y: 120 });
    await dragModuleOntoCanvas(page, "Add", { x: 400, y: 120 });
    await dragConnection(page, "template1.text", "add1.a");

    await expect
      .poll(() => statusLine(page).textContent(), WAIT)
      .toContain("Connection refused: template1.text (string) -> add1.a (number)");
    expect(await canvas(page).locator(".react-flow__edge").count()).toBe(0);
  });
});

/** In the page: the current draft as Dexie stored it (database "labflow-editor", table "drafts"). */
function readDraftFromIndexedDb(): Promise<{ modules: number; connections: number; value: unknown } | null> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("labflow-editor");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("drafts")) {
        db.close();
        return resolve(null);
      }
      const get = db.transaction("drafts").objectStore("drafts").get("current");
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        db.close();
        const doc = get.result?.doc as
          | { modules: { id: string; params?: Record<string, unknown> }[]; connections: unknown[] }
          | undefined;
        resolve(
          doc
            ? {
                modules: doc.modules.length,
                connections: doc.connections.length,
                value: doc.modules.find((m) => m.id === "constant1")?.params?.value,
              }
            : null,
        );
      };
    };
  });
}
