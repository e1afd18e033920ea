/**
 * The instruments in the browser, on real parts: a socat pty pair, the simulated instrument as a
 * real process on one end, a real `labflow serve` whose devices file puts a `labflow-sim` device on
 * the other end (its driver host is a real detached process), and real Chromium.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseDevicesText } from "../../server/devices/lab/devices-file.js";
import { DriverSupervisor } from "../../server/devices/lab/driver-supervisor.js";
import { startPtyPair } from "../helpers/pty-pair.js";
import { startServerProcess } from "../helpers/server-process.js";
import { startSimulator } from "../helpers/simulator-process.js";
import { tempDir } from "../helpers/temp-dir.js";
import { waitUntil } from "../helpers/wait-until.js";
import { workflow } from "../helpers/workflow-builder.js";
import { clickModule, inspector, moduleNode, sidebarTab } from "./editor-actions.js";
import { closeSharedBrowser, type EditorSession, openEditor } from "./editor-fixture.js";

let session: EditorSession | undefined;
let devicesText: string | undefined;
let labDir: string | undefined;

afterEach(async (context) => {
  await session?.close(context.task);
  session = undefined;
  // Driver hosts outlive the server by design: end the one this test's server spawned.
  if (labDir && devicesText) {
    const supervisor = await DriverSupervisor.start({
      dataDir: labDir,
      devices: parseDevicesText(devicesText),
    });
    await supervisor.stopAll();
  }
  labDir = undefined;
  devicesText = undefined;
});
afterAll(async () => {
  await closeSharedBrowser();
});

/** A data folder whose devices.json has one simulated instrument on a real pty and pipeline p1. */
async function lab(): Promise<string> {
  const pty = await startPtyPair();
  await startSimulator(pty.simPath, "bench-sim");
  const dataDir = tempDir("labflow-e2e-instruments-");
  devicesText = JSON.stringify({
    devices: [{ name: "bench", driver: "labflow-sim", address: pty.devPath, channels: ["1"], pollMs: 200 }],
    pipelines: [{ name: "p1", roles: { sensor: { device: "bench", channel: "1" } } }],
  });
  writeFileSync(join(dataDir, "devices.json"), devicesText);
  labDir = dataDir;
  return dataDir;
}

const pipelinesPanel = (page: Page): Locator => page.getByRole("region", { name: "Pipelines" });
const pipelineCard = (page: Page, name: string): Locator =>
  pipelinesPanel(page).getByRole("article", { name: `Pipeline ${name}` });

async function openPipelines(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Pipelines", exact: true }).click();
  const panel = pipelinesPanel(page);
  await panel.waitFor();
  return panel;
}

async function loadSample(card: Locator, sample: string): Promise<void> {
  await card.getByLabel(/^Sample for /).fill(sample);
  await card.getByRole("button", { name: "Load", exact: true }).click();
}

const pointsOf = async (plot: Locator) => Number((await plot.getAttribute("data-points")) ?? "0");

describe("instruments in the browser", () => {
  it("without a devices file, the Pipelines panel says how to configure one", async () => {
    session = await openEditor();
    const panel = await openPipelines(session.page);
    await expect
      .poll(() => panel.getByTestId("pipelines-unconfigured").textContent())
      .toMatch(/no instruments are configured.*devices file.*labflow serve --devices/);
  });

  it("loads a sample and marks it ready; shows the server's refusal of a second sample", async () => {
    session = await openEditor({ dataDir: await lab() });
    const { page } = session;
    await openPipelines(page);
    const card = pipelineCard(page, "p1");
    await expect.poll(() => card.textContent()).toContain("sensor");
    expect(await card.textContent()).toMatch(/bench\/1 \(.*acquire/);
    expect(await card.getByTestId("pipeline-sample").textContent()).toBe("none");

    await loadSample(card, "sample-A");
    await expect.poll(() => card.getByTestId("pipeline-sample").textContent()).toBe("sample-A");
    expect(await card.getByTestId("pipeline-ready").textContent()).toBe("no");
    await card.getByRole("button", { name: "Ready", exact: true }).click();
    await expect.poll(() => card.getByTestId("pipeline-ready").textContent()).toBe("yes");
    await expect.poll(() => card.getAttribute("data-status")).toBe("ready");

    await loadSample(card, "sample-B");
    await expect
      .poll(() => card.getByRole("alert").textContent())
      .toBe('pipeline "p1" already holds sample "sample-A": eject it first');
    expect(await card.getByTestId("pipeline-sample").textContent()).toBe("sample-A");

    // The CLI's view is the same state (the server's, not the page's).
    const answer = (await (
      await fetch(`${session.server.url}/api/pipelines`, { headers: session.server.authHeaders })
    ).json()) as {
      pipelines: { name: string; sample?: string; ready: boolean }[];
    };
    expect(answer.pipelines).toEqual([
      expect.objectContaining({ name: "p1", sample: "sample-A", ready: true }),
    ]);

    // A change from elsewhere (the CLI calls the same route) reaches the open panel by its event,
    // long before the 30 s safety poll.
    const unready = await fetch(`${session.server.url}/api/pipelines/p1/ready`, {
      method: "POST",
      headers: { ...session.server.authHeaders, "Content-Type": "application/json" },
      body: JSON.stringify({ ready: false }),
    });
    expect(unready.status).toBe(200);
    await expect.poll(() => card.getByTestId("pipeline-ready").textContent(), { timeout: 10_000 }).toBe("no");
  });

  it("flags a setpoint the instrument refuses on its module while the person edits, before any Run", async () => {
    const server = await startServerProcess({ dataDir: await lab() });
    const doc = workflow("hot-ramp")
      .module("ramp", "instruments.Task", {
        role: "sensor",
        technique: "ramp",
        pipeline: "p1",
        duration: 1,
        taskParams: { setpoint: 9000, rampRate: 600 },
      })
      .build();
    await fetch(`${server.url}/api/workflows/hot-ramp`, {
      method: "PUT",
      headers: { ...server.authHeaders, "Content-Type": "application/json" },
      body: JSON.stringify(doc),
    });
    session = await openEditor({ server, path: "/?workflow=hot-ramp" });
    const close = session.close.bind(session);
    session.close = async (task) => {
      await close(task);
      await server.stop();
    };
    const problems = moduleNode(session.page, "ramp").locator(".lf-node-problems");
    await expect
      .poll(() => problems.getAttribute("title"))
      .toContain('param "setpoint" 9000 is outside [-50, 400]');
    const runs = await fetch(`${server.url}/api/runs`, { headers: server.authHeaders });
    expect((await runs.json()).runs).toEqual([]);
  });

  it("runs an instrument task on the pipeline and plots its readings live in the inspector and the Job Monitor", async () => {
    const dataDir = await lab();
    const server = await startServerProcess({ dataDir });
    const doc = workflow("acquire-5s")
      .module("acq", "instruments.Task", {
        role: "sensor",
        technique: "acquire",
        pipeline: "p1",
        sample: "sample-A",
        duration: 5,
        samplingInterval: 0.1,
      })
      .build();
    await fetch(`${server.url}/api/workflows/acquire-5s`, {
      method: "PUT",
      headers: { ...server.authHeaders, "Content-Type": "application/json" },
      body: JSON.stringify(doc),
    });
    session = await openEditor({ server, path: "/?workflow=acquire-5s" });
    // The page owns no server here: stop it with the session.
    const close = session.close.bind(session);
    session.close = async (task) => {
      await close(task);
      await server.stop();
    };
    const { page } = session;
    // Keep hold of the page's WebSockets, to drop them mid-acquisition as a flaky network would.
    await session.context.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { labflowSockets: WebSocket[] }).labflowSockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
    await session.reload();
    await moduleNode(page, "acq").waitFor();

    const card = pipelineCard(page, "p1");
    await openPipelines(page);
    await loadSample(card, "sample-A");
    await expect.poll(() => card.getByTestId("pipeline-sample").textContent()).toBe("sample-A");
    await card.getByRole("button", { name: "Ready", exact: true }).click();
    await expect.poll(() => card.getByTestId("pipeline-ready").textContent()).toBe("yes");

    await page.getByRole("button", { name: "Run", exact: true }).click();
    // The job takes the pipeline: the panel shows it held, and refuses an eject with the server's reason.
    await expect.poll(() => card.getAttribute("data-status"), { timeout: 30_000 }).toBe("busy");
    await expect.poll(() => card.getByTestId("pipeline-job").textContent()).toMatch(/^acq \(/);
    await card.getByRole("button", { name: "Eject", exact: true }).click();
    await expect
      .poll(() => card.getByRole("alert").textContent())
      .toMatch(/pipeline "p1" is held by job .*cannot eject/);
    // The holding job leads to its module in the editor, with the Job Monitor beside it.
    await card.getByTestId("pipeline-job").getByRole("button").click();
    await expect.poll(() => inspector(page).getByLabel("Module id").inputValue()).toBe("acq");
    const jobsButton = page.getByRole("button", { name: "Jobs", exact: true });
    await expect.poll(() => jobsButton.getAttribute("aria-pressed")).toBe("true");
    await pipelinesPanel(page).getByRole("button", { name: "Close the Pipelines panel" }).click();

    // The inspector plots the job's readings while they arrive.
    await clickModule(page, "acq");
    await sidebarTab(page, "Results");
    const plot = inspector(page).getByRole("figure", { name: /^Data of job / });
    await plot.waitFor();
    const seen: number[] = [];
    await waitUntil(async () => {
      const points = await pointsOf(plot);
      if (seen.at(-1) !== points) seen.push(points);
      return seen.filter((n) => n > 0).length >= 3;
    }, "the plot to grow three times while the task runs");
    await expect.poll(() => plot.getAttribute("data-quantities")).toContain("temperature");
    await expect.poll(() => plot.locator("canvas").count()).toBeGreaterThan(0);

    // The connection drops while readings arrive; after the reconnect the plot fetches what it missed.
    const before = await pointsOf(plot);
    await page.evaluate(() => {
      for (const socket of (window as unknown as { labflowSockets: WebSocket[] }).labflowSockets)
        socket.close();
    });
    await expect.poll(() => pointsOf(plot), { timeout: 30_000 }).toBeGreaterThan(before);

    // At the end the plot holds exactly the readings of the job's data file: none doubled, none lost.
    await expect
      .poll(() => page.getByTestId("run-status").getAttribute("data-status"), { timeout: 30_000 })
      .toBe("completed");
    const jobId = ((await plot.getAttribute("aria-label")) ?? "").replace(/^Data of job /, "");
    const data = (await (
      await fetch(`${server.url}/api/jobs/${jobId}/data`, { headers: server.authHeaders })
    ).json()) as {
      readings: unknown[];
      units: Record<string, string>;
    };
    // 5 s at 10 Hz.
    expect(data.readings.length).toBeGreaterThanOrEqual(49);
    expect(data.readings.length).toBeLessThanOrEqual(51);
    await expect.poll(() => pointsOf(plot)).toBe(data.readings.length);
    await expect.poll(() => plot.textContent()).toContain(`(${data.units.temperature})`);

    // The Job Monitor's details of the job plot the same data.
    await page
      .getByRole("group", { name: "Job acq" })
      .getByRole("button", { name: "acq", exact: true })
      .click();
    const details = page.getByRole("region", { name: "Details of job acq" });
    const monitorPlot = details.getByRole("figure", { name: `Data of job ${jobId}` });
    await expect.poll(() => pointsOf(monitorPlot)).toBe(data.readings.length);

    // Its results leave the browser: results.zip from the job's details, byte for byte; in the
    // inspector, data.csv byte for byte and the preview as a grid with units.
    const { runId } = await (
      await fetch(`${server.url}/api/jobs/${jobId}`, { headers: server.authHeaders })
    ).json();
    const jobDir = join(dataDir, "runs", runId, "jobs", jobId);
    const [zip] = await Promise.all([
      page.waitForEvent("download"),
      details.getByRole("link", { name: "Download results.zip" }).click(),
    ]);
    expect(readFileSync(await zip.path())).toEqual(readFileSync(join(jobDir, "results.zip")));
    const results = inspector(page).getByRole("region", { name: "Results" });
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      results.getByRole("link", { name: "Download data" }).click(),
    ]);
    expect(readFileSync(await csv.path())).toEqual(readFileSync(join(jobDir, "data.csv")));
    const preview = results.getByRole("table", { name: "Table preview" });
    await expect
      .poll(() => preview.getByRole("columnheader").allTextContents())
      .toContain(`temperature (${data.units.temperature})`);

    // The pipeline is free again and not ready (the task did not ask to re-ready it).
    await openPipelines(page);
    await expect.poll(() => card.getAttribute("data-status")).toBe("loaded");
  });
});
