import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { repoRoot } from "../helpers/labflow-cli.js";

/** Debian's Chromium, installed by .ci/run when missing. */
export const CHROMIUM = process.env.LABFLOW_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that keep headless Chromium quiet on a closed network and usable as root. */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Keeps a screenshot of the page under test-results/ when a test fails, named after the test. */
export async function screenshotOnFailure(
  page: Page | undefined,
  name: string,
  failed: boolean,
): Promise<void> {
  if (!page || !failed) return;
  const dir = join(repoRoot, "test-results");
  mkdirSync(dir, { recursive: true });
  await page
    .screenshot({ path: join(dir, `${name.replace(/[^\w-]+/g, "-")}.png`), fullPage: true })
    .catch(() => {});
}
