/**
 * One event connection per tab: the editor's run view, the Job Monitor and the instrument views
 * share one WebSocket to /api/events (each used to open its own, and each got the snapshot), and
 * what one of them needs still arrives through it. Real server, real Chromium.
 */
import type { WebSocket } from "playwright-core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeSharedBrowser, type EditorSession, openEditor } from "./editor-fixture.js";

let session: EditorSession | undefined;

afterEach(async (context) => {
  await session?.close(context.task);
  session = undefined;
});
afterAll(async () => {
  await closeSharedBrowser();
});

describe("the tab's event connection", () => {
  it("is one WebSocket for the editor, the Job Monitor and the Pipelines panel, and carries settings to the monitor", async () => {
    session = await openEditor();
    const { page } = session;
    const sockets: WebSocket[] = [];
    page.on("websocket", (socket) => {
      if (new URL(socket.url()).pathname === "/api/events") sockets.push(socket);
    });
    await session.reload();
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
    const jobs = page.getByRole("region", { name: "Jobs", exact: true });
    await jobs.waitFor();
    await page.getByRole("button", { name: "Pipelines", exact: true }).click();
    await page.getByRole("region", { name: "Pipelines" }).getByTestId("pipelines-unconfigured").waitFor();
    await expect.poll(() => jobs.textContent()).toMatch(/live/);

    // A change from elsewhere (the CLI calls the same route) reaches the open monitor by its event.
    const autoResume = jobs.getByLabel(/auto-resume/i);
    await expect.poll(() => autoResume.isEnabled()).toBe(true);
    const before = await autoResume.isChecked();
    const changed = await fetch(`${session.server.url}/api/settings`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", ...session.server.authHeaders },
      body: JSON.stringify({ autoResume: !before }),
    });
    expect(changed.status).toBe(200);
    await expect.poll(() => autoResume.isChecked(), { timeout: 10_000 }).toBe(!before);

    expect(sockets).toHaveLength(1);
    expect(sockets[0]?.isClosed()).toBe(false);
  });
});
