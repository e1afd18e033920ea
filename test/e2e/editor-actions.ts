/**
 * What a person does in the editor, as the browser tests do it: by accessible names and the test
 * hooks listed in docs/editor.md, with the real mouse (HTML drag and drop from the palette,
 * pointer drags between handles).
 */
import type { Locator, Page } from "playwright-core";
import { waitUntil } from "../helpers/wait-until.js";

export const palette = (page: Page): Locator => page.getByRole("region", { name: "Modules" });
export const canvas = (page: Page): Locator => page.getByRole("region", { name: "Workflow" });
export const inspector = (page: Page): Locator => page.getByRole("region", { name: "Inspector" });
/** Shows a tab of the sidebar: Inspector (the form), Results (the selected module's) or Log (the run's). */
export async function sidebarTab(page: Page, name: "Inspector" | "Results" | "Log"): Promise<void> {
  await inspector(page).getByRole("tab", { name, exact: true }).click();
}
export const statusLine = (page: Page): Locator => page.getByTestId("status-line");

/** A module on the canvas, by its id. */
export const moduleNode = (page: Page, id: string): Locator =>
  page.locator(`.react-flow__node[data-id="${id}"]`);

/**
 * A connection on the canvas, by its accessible name `<from>.<port> to <to>.<port>`. Wait for it
 * with `state: "attached"`: a level edge is an SVG path with no height, which Playwright calls hidden.
 */
export const connectionEdge = (page: Page, from: string, to: string): Locator =>
  canvas(page).locator(`.react-flow__edge[aria-label="${from} to ${to}"]`);

/** Drags a palette item (by label) onto the canvas at `at` (relative to the canvas' top left). */
export async function dragModuleOntoCanvas(
  page: Page,
  label: string,
  at: { x: number; y: number },
): Promise<void> {
  await palette(page)
    .getByRole("button", { name: label, exact: true })
    .dragTo(canvas(page), { targetPosition: at });
}

/**
 * The centre of `locator` once it is visible and has stopped moving: a module just dropped is
 * measured and laid out over a few frames, and a drag aimed at a handle that then moves misses it.
 */
async function centreOf(locator: Locator): Promise<{ x: number; y: number }> {
  await locator.waitFor({ state: "visible" });
  let last = "";
  const box = await waitUntil(
    async () => {
      const now = await locator.boundingBox();
      const same = now !== null && JSON.stringify(now) === last;
      last = JSON.stringify(now);
      return same ? now : undefined;
    },
    `${locator} to stop moving`,
    30_000,
    50,
  );
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Drags with the mouse from output `from` ("module.port") to input `to` ("module.port"), moving
 * in steps as a hand would, so that React Flow sees the connection line reach the handle.
 */
export async function dragConnection(page: Page, from: string, to: string): Promise<void> {
  const [fromModule, fromPort] = splitPort(from);
  const [toModule, toPort] = splitPort(to);
  const source = await centreOf(moduleNode(page, fromModule).locator(`[data-handleid="out:${fromPort}"]`));
  const target = await centreOf(moduleNode(page, toModule).locator(`[data-handleid="in:${toPort}"]`));
  await page.mouse.move(source.x, source.y);
  await page.mouse.down();
  await page.mouse.move(source.x + 20, source.y + 10, { steps: 4 });
  await page.mouse.move(target.x, target.y, { steps: 12 });
  await page.mouse.up();
}

function splitPort(place: string): [string, string] {
  const dot = place.lastIndexOf(".");
  if (dot < 1) throw new Error(`expected "module.port", got "${place}"`);
  return [place.slice(0, dot), place.slice(dot + 1)];
}

/** Selects a module by clicking its title (not a handle, which would start a connection). */
export async function clickModule(page: Page, id: string): Promise<void> {
  await moduleNode(page, id).locator(".lf-node-title").click();
}

/**
 * The inspector's form field of a parameter. Its label is the parameter name, followed by ` *` when
 * it is required and by `(JSON)` or `(text or JSON)` for a JSON field.
 */
export const paramField = (page: Page, name: string): Locator =>
  inspector(page).getByLabel(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s|$)`));

/** Types a parameter's value into its inspector field. */
export async function setParam(page: Page, name: string, text: string): Promise<void> {
  await paramField(page, name).fill(text);
}
