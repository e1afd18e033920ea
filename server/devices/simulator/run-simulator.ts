/**
 * Runs the simulated instrument on a serial port path: answers commands, streams readings while an
 * acquisition runs, and logs to stdout when an acquisition starts and stops (tests watch for it).
 * When the port goes away (socat killed) the acquisition stops, and the port is opened again when
 * it comes back.
 */
import { LinePort } from "../host/line-port.js";
import { SimInstrument } from "./sim-instrument.js";
import { formatReading, handleCommand } from "./sim-protocol.js";

export interface SimulatorOptions {
  port: string;
  name: string;
  baudRate?: number;
  log?: (line: string) => void;
}

export interface RunningSimulator {
  instrument: SimInstrument;
  close(): Promise<void>;
}

export async function runSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const log = options.log ?? ((line: string) => console.log(line));
  const say = (text: string) => log(`labflow-sim ${options.name}: ${text}`);
  const instrument = new SimInstrument();
  const port = new LinePort({ path: options.port, baudRate: options.baudRate, reopenMs: 200 });
  let ticker: NodeJS.Timeout | undefined;

  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
  };
  const logStopped = (reason: string) => {
    say(`acquisition stopped (${reason}) after ${instrument.lastCount} readings`);
  };
  const emitDue = () => {
    const lines = instrument.takeDueReadings().map(formatReading);
    const done = instrument.acquisitionDone;
    if (done) {
      instrument.stopAcquisition();
      stopTicker();
      lines.push(`DONE ${instrument.lastCount}`);
    }
    if (port.isOpen) port.writeLines(lines);
    if (done) logStopped("count reached");
  };

  port.on("line", (line) => {
    // Readings due before this command go out first, so nothing is reordered around ACQ:STOP.
    if (instrument.acquisition) emitDue();
    const outcome = handleCommand(instrument, options.name, line);
    if (outcome.acquisition === "started") {
      const acq = instrument.acquisition!;
      say(`acquisition started (interval ${acq.intervalMs} ms${acq.count ? `, ${acq.count} readings` : ""})`);
      // Short ticks at fast rates batch several readings per write; timestamps stay exact.
      ticker = setInterval(emitDue, Math.min(acq.intervalMs, 20));
    }
    if (outcome.acquisition === "stopped") {
      stopTicker();
      logStopped(line.trim().toUpperCase().startsWith("*RST") ? "*RST" : "ACQ:STOP");
    }
    if (outcome.reply.startsWith("ERR")) say(`refused "${line}": ${outcome.reply}`);
    if (port.isOpen) port.writeLine(outcome.reply);
  });
  port.on("open", () => say(`listening on ${options.port}`));
  port.on("lost", (reason) => {
    if (instrument.stopAcquisition()) {
      stopTicker();
      logStopped("port closed");
    }
    say(`${reason}; waiting for it to come back`);
  });
  port.on("unavailable", (reason) => say(`${reason}; retrying`));
  port.on("warning", (message) => say(message));

  await port.start();
  return {
    instrument,
    async close() {
      stopTicker();
      if (instrument.stopAcquisition()) logStopped("simulator closing");
      await port.close();
    },
  };
}
