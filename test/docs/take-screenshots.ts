/**
 * `npm run screenshots`: the pictures in docs/images, taken from the real app (a real `labflow
 * serve`, real Chromium, a simulated instrument on a real pty), so the docs show what people see.
 * Run after `npm run build`; writes docs/images/{editor-results,job-monitor,pipelines}.png.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clickModule, sidebarTab } from "../e2e/editor-actions.js";
import { closeSharedBrowser, openEditor } from "../e2e/editor-fixture.js";
import { repoRoot } from "../helpers/labflow-cli.js";
import { startServerProcess } from "../helpers/server-process.js";
import { waitUntil } from "../helpers/wait-until.js";

const out = join(repoRoot, "docs", "images");
mkdirSync(out, { recursive: true });
const viewport = { width: 1440, height: 860 };

async function editorWithResults(): Promise<void> {
  const session = await openEditor({ path: "/?workflow=arithmetic", viewport });
  try {
    const { page } = session;
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.locator('[data-testid="run-status"][data-status="completed"]').waitFor({ state: "attached" });
    await clickModule(page, "scaled");
    await sidebarTab(page, "Results");
    await page.keyboard.press("f");
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: join(out, "editor-results.png") });
  } finally {
    await session.close();
  }
}

async function jobMonitor(): Promise<void> {
  const session = await openEditor({ path: "/?workflow=timed-demo", viewport });
  try {
    const { page } = session;
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await page.getByRole("button", { name: "Jobs", exact: true }).click();
    const jobs = page.getByRole("region", { name: "Jobs", exact: true });
    await waitUntil(async () => /completed/.test((await jobs.textContent()) ?? ""), "a job completed");
    await page.screenshot({ path: join(out, "job-monitor.png") });
  } finally {
    await session.close();
  }
}

/** A pty pair (socat) with the simulated instrument on one end; the other end for the devices file. */
async function simulatedInstrument(): Promise<{ devPath: string; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "labflow-screenshots-pty-"));
  const [devPath, simPath] = [join(dir, "dev"), join(dir, "sim")];
  const socat = spawn("socat", [`pty,raw,echo=0,link=${devPath}`, `pty,raw,echo=0,link=${simPath}`], {
    stdio: "ignore",
  });
  await waitUntil(() => existsSync(devPath) && existsSync(simPath), "the pty pair");
  const sim = spawn(
    process.execPath,
    [join(repoRoot, "bin", "labflow.js"), "simulate-instrument", "--port", simPath],
    {
      stdio: "ignore",
    },
  );
  return {
    devPath,
    stop() {
      sim.kill();
      socat.kill();
    },
  };
}

async function pipelines(): Promise<void> {
  const instrument = await simulatedInstrument();
  const pty = { devPath: instrument.devPath };
  const dataDir = mkdtempSync(join(tmpdir(), "labflow-screenshots-"));
  writeFileSync(
    join(dataDir, "devices.json"),
    JSON.stringify({
      devices: [{ name: "bench", driver: "labflow-sim", address: pty.devPath, channels: ["1"], pollMs: 200 }],
      pipelines: [
        { name: "p1", roles: { sensor: { device: "bench", channel: "1" } } },
        { name: "p2", roles: { sensor: { device: "bench", channel: "1" } } },
      ],
    }),
  );
  const server = await startServerProcess({ dataDir });
  const session = await openEditor({ server, path: "/", viewport });
  try {
    const { page } = session;
    await page.getByRole("button", { name: "Pipelines", exact: true }).click();
    const card = page
      .getByRole("region", { name: "Pipelines" })
      .getByRole("article", { name: "Pipeline p1" });
    await card.getByLabel(/^Sample for /).fill("sample-A");
    await card.getByRole("button", { name: "Load", exact: true }).click();
    await waitUntil(
      async () => (await card.getByTestId("pipeline-sample").textContent()) === "sample-A",
      "loaded",
    );
    await card.getByRole("button", { name: "Ready", exact: true }).click();
    await waitUntil(async () => (await card.getByTestId("pipeline-ready").textContent()) === "yes", "ready");
    await page.screenshot({ path: join(out, "pipelines.png") });
  } finally {
    await session.close();
    await server.stop();
    instrument.stop();
  }
}

await editorWithResults();
await jobMonitor();
await pipelines();
await closeSharedBrowser();
console.log(`wrote editor-results.png, job-monitor.png and pipelines.png in ${out}`);
// Driver hosts outlive servers on purpose; this script's are done.
process.exit(0);
