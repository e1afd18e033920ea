/** The serial transport on a real pty pair; the test plays the instrument on the other end. */
import { afterEach, describe, expect, it } from "vitest";
import { LinePort, MAX_LINE_LENGTH } from "../../../server/devices/host/line-port.js";
import { SerialLine } from "../../../server/devices/host/serial-line.js";
import { startPtyPair } from "../../helpers/pty-pair.js";
import { waitUntil } from "../../helpers/wait-until.js";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const port of open.splice(0)) await port.close();
});

/**
 * Timeouts are well above a reply's round trip on a loaded 2-core machine: a reply that is merely
 * slow must not pass for a missing one.
 */
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

  it("retries after a timeout, and the attempt the instrument answers gives the reply", async () => {
    const { instrument, line } = await link({ timeoutMs: 1000, retries: 2 });
    let attempts = 0;
    instrument.on("line", () => {
      attempts++;
      if (attempts === 3) instrument.writeLine("re:3");
    });
    expect(await line.request("SLOW?")).toBe("re:3");
    // The reply came only after the third attempt arrived: there were exactly three.
    expect(attempts).toBe(3);
  });

  it("fails naming the port and the command when no attempt is answered", async () => {
    const { instrument, line, pty } = await link({ timeoutMs: 1000, retries: 2 });
    let attempts = 0;
    instrument.on("line", () => attempts++);
    await expect(line.request("SLOW?")).rejects.toThrow(`${pty.devPath}: no reply to "SLOW?" within 1000 ms`);
    await waitUntil(() => attempts === 3, "the three attempts to reach the instrument");
  });

  it("drops the late reply of a timed-out request instead of handing it to the next one", async () => {
    const { instrument, line } = await link({ timeoutMs: 2000, retries: 0 });
    instrument.on("line", (command) => {
      // *RST takes longer than the timeout; it is answered once the driver has given up on it.
      if (command !== "*RST") instrument.writeLine(`re:${command}`);
    });
    const reset = line.request("*RST").catch((error: Error) => {
      instrument.writeLine("re:*RST");
      return error.message;
    });
    const temperature = line.request("TEMP?");
    const setpoint = line.request("SETP?");
    expect(await reset).toMatch(/no reply to "\*RST" within 2000 ms/);
    expect(await temperature).toBe("re:TEMP?");
    expect(await setpoint).toBe("re:SETP?");
    expect(line.lateReplies).toBe(0);
  });

  it("takes the late reply to its own first attempt as the answer of the retry", async () => {
    const { instrument, line } = await link({ timeoutMs: 1000, retries: 2 });
    const seen: string[] = [];
    instrument.on("line", (command) => seen.push(command));
    const reply = line.request("ACQ?");
    await waitUntil(() => line.lateReplies === 1, "the first attempt to time out");
    instrument.writeLine("STOPPED 0");
    expect(await reply).toBe("STOPPED 0");
    expect(seen).toEqual(["ACQ?"]);
  });

  it("gives up a reply that never comes, and the next request still gets its own", async () => {
    const { instrument, line } = await link({ timeoutMs: 1000, retries: 0 });
    instrument.on("line", (command) => {
      if (command !== "LOST?") instrument.writeLine(`re:${command}`);
    });
    await expect(line.request("LOST?")).rejects.toThrow(/no reply to "LOST\?"/);
    expect(await line.request("TEMP?")).toBe("re:TEMP?");
    expect(await line.request("SETP?")).toBe("re:SETP?");
  });

  it("rejects with the instrument's error line", async () => {
    const { instrument, line } = await link();
    instrument.on("line", () => instrument.writeLine("ERR -113 undefined header"));
    await expect(line.request("FOO")).rejects.toThrow('"FOO" was refused: ERR -113 undefined header');
  });

  it("cuts a line longer than 64 KiB, says so, and the lines after it arrive whole", async () => {
    const { instrument, line } = await link();
    const lines: string[] = [];
    const warnings: string[] = [];
    line.port.on("line", (text) => lines.push(text));
    line.port.on("warning", (message) => warnings.push(message));
    // A device streaming without newlines (e.g. a wrong baud rate), then a normal line.
    instrument.writeLines(["x".repeat(MAX_LINE_LENGTH + 50_000), "OK"]);
    await waitUntil(() => lines.includes("OK"), "the line after the long one");
    expect(lines.map((text) => text.length)).toEqual([MAX_LINE_LENGTH, 2]);
    expect(warnings).toEqual([
      `serial port ${line.path}: line longer than ${MAX_LINE_LENGTH} characters; the rest of it is dropped`,
    ]);
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
