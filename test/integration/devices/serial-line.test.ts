/** The serial transport on a real pty pair; the test plays the instrument on the other end. */
import { afterEach, describe, expect, it } from "vitest";
import { LinePort } from "../../../server/devices/line-port.js";
import { SerialLine } from "../../../server/devices/serial-line.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { waitUntil } from "../../helpers/wait-until.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const port of open.splice(0)) await port.close();
});

async function link(options: { timeoutMs?: number; retries?: number } = {}) {
  const pty = await startPtyPair();
  const instrument = new LinePort({ path: pty.simPath, reopenMs: 100 });
  const line = new SerialLine({
    path: pty.devPath,
    reopenMs: 100,
    isUnsolicited: (text) => text.startsWith("DATA"),
    isError: (text) => text.startsWith("ERR"),
    ...options,
  });
  open.push(instrument, line.port);
  await instrument.start();
  await line.port.start();
  return { pty, instrument, line };
}

describe("serial line", () => {
  it("answers requests one at a time, in order, and routes streamed lines apart from replies", async () => {
    const { instrument, line } = await link();
    const seen: string[] = [];
    instrument.on("line", (command) => {
      seen.push(command);
      // Streamed data interleaved before each reply must not be taken for the reply.
      setTimeout(() => instrument.writeLines([`DATA ${command}`, `re:${command}`]), 5);
    });
    const streamed: string[] = [];
    line.onUnsolicited((text) => streamed.push(text));
    const replies = await Promise.all(["A", "B", "C"].map((c) => line.request(c)));
    expect(replies).toEqual(["re:A", "re:B", "re:C"]);
    expect(seen).toEqual(["A", "B", "C"]);
    expect(streamed).toEqual(["DATA A", "DATA B", "DATA C"]);
  });

  it("retries after a timeout, then fails naming the port and the command", async () => {
    const { instrument, line, pty } = await link({ timeoutMs: 150, retries: 2 });
    let attempts = 0;
    instrument.on("line", () => attempts++);
    await expect(line.request("SLOW?")).rejects.toThrow(`${pty.devPath}: no reply to "SLOW?" within 150 ms`);
    expect(attempts).toBe(3);
  });

  it("rejects with the instrument's error line", async () => {
    const { instrument, line } = await link();
    instrument.on("line", () => instrument.writeLine("ERR -113 undefined header"));
    await expect(line.request("FOO")).rejects.toThrow('"FOO" was refused: ERR -113 undefined header');
  });

  it("reports the port lost when the link disappears, and opens it again when it comes back", async () => {
    const { pty, line } = await link();
    const events: string[] = [];
    line.port.on("lost", (reason) => events.push(`lost: ${reason}`));
    line.port.on("open", () => events.push("open"));
    await pty.kill();
    await waitUntil(
      () => events.some((e) => e.startsWith(`lost: serial port ${pty.devPath} closed`)),
      "lost",
    );
    expect(line.port.isOpen).toBe(false);
    await pty.restart();
    await waitUntil(() => events.includes("open"), "reopened");
    expect(line.port.isOpen).toBe(true);
  });
});
