/**
 * The shared set-up of the browser tests: a real `labflow serve` on a temp data folder, one
 * Chromium per test file, and a fresh browser context (its own IndexedDB, so no draft leaks between
 * tests) and page per test.
 *
 * ```ts
 * let server: ServerProcess;
 * let editor: EditorSession;
 * beforeAll(async () => { server = await startServerProcess(); });
 * afterAll(async () => { await closeSharedBrowser(); await server?.stop(); });
 * beforeEach(async () => { editor = await openEditor({ server }); });
 * afterEach(async (context) => { await editor?.close(context.task); });
 * ```
 * `openEditor()` without `server` starts its own (on `dataDir`, or a fresh temp folder) and stops
 * it in `close()`. `close(task)` keeps a screenshot (and the page's errors) under test-results/
 * when the test failed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { repoRoot } from "../helpers/labflow-cli.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import { launchBrowser, screenshotOnFailure } from "./browser.js";

/** Generous for a slow 2-core machine shared with other work; a healthy page is ready in < 1 s. */
export const EDITOR_READY_TIMEOUT_MS = 30_000;

export interface OpenEditorOptions {
  /** A server shared by several tests; default: start one for this session (stopped by close()). */
  server?: ServerProcess;
  /** Data folder of the server started here (kept by close()); default a fresh temp folder. */
  dataDir?: string;
  /** More `labflow serve` arguments for the server started here, e.g. `["--check-interval", "200"]`. */
  serverArgs?: string[];
  /** Path and query to open, default `/`. */
  path?: string;
  viewport?: { width: number; height: number };
}

export interface EditorSession {
  server: ServerProcess;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** The editor's address (with `path`, without the token: the context has the cookie). */
  url: string;
  /** Uncaught errors and console errors of the page so far (kept with a failure's screenshot). */
  pageErrors: string[];
  /** Reloads the page and waits for the editor to be ready again. */
  reload(): Promise<void>;
  /** Closes the context (and the server started here); keeps a screenshot if `task` failed. */
  close(task?: FinishedTask): Promise<void>;
}

/** What close() needs of vitest's `context.task` to tell a failure. */
export interface FinishedTask {
  name: string;
  result?: { state?: string };
}

let shared: Promise<Browser> | undefined;

/** The Chromium of this test file, launched on first use. */
export function sharedBrowser(): Promise<Browser> {
  shared ??= launchBrowser();
  return shared;
}

export async function closeSharedBrowser(): Promise<void> {
  const browser = shared;
  shared = undefined;
  await (await browser?.catch(() => undefined))?.close();
}

/** Waits until the editor has painted its first frame with the document's modules. */
export async function waitForEditorReady(page: Page): Promise<void> {
  await page
    .locator('section[aria-label="Workflow"][data-ready="true"]')
    .waitFor({ state: "attached", timeout: EDITOR_READY_TIMEOUT_MS });
}

export async function openEditor(options: OpenEditorOptions = {}): Promise<EditorSession> {
  const ownServer = options.server === undefined;
  const server =
    options.server ??
    (await startServerProcess({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.serverArgs ? { args: options.serverArgs } : {}),
    }));
  let context: BrowserContext | undefined;
  try {
    const browser = await sharedBrowser();
    context = await browser.newContext({ viewport: options.viewport ?? { width: 1600, height: 1000 } });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.stack ?? error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
    });
    const url = new URL(options.path ?? "/", server.url).href;
    // As a person does: the printed address with ?token=, which the server trades for a cookie.
    const withToken = new URL(url);
    withToken.searchParams.set("token", server.token);
    await page.goto(withToken.href);
    await waitForEditorReady(page);
    const openedContext = context;
    return {
      server,
      browser,
      context,
      page,
      url,
      pageErrors,
      async reload() {
        await page.reload();
        await waitForEditorReady(page);
      },
      async close(task) {
        const failed = task?.result?.state === "fail";
        if (task && failed) {
          // The page the test was looking at last (a test may close the first and open another).
          await screenshotOnFailure(openedContext.pages().at(-1) ?? page, task.name, true);
          keepPageErrors(task.name, pageErrors, server);
        }
        await openedContext.close().catch(() => {});
        if (ownServer) await server.stop();
      },
    };
  } catch (error) {
    await context?.close().catch(() => {});
    if (ownServer) await server.stop();
    throw error;
  }
}

/** Writes the page's errors and the server's stderr next to the failure's screenshot. */
function keepPageErrors(name: string, pageErrors: string[], server: ServerProcess): void {
  const dir = join(repoRoot, "test-results");
  mkdirSync(dir, { recursive: true });
  const text = [`page errors:`, ...pageErrors, "", "server stderr:", server.stderr()].join("\n");
  writeFileSync(join(dir, `${name.replace(/[^\w-]+/g, "-")}.txt`), text);
}
