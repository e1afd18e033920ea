/**
 * `labflow simulate-instrument --port PATH [--name NAME]`: a simulated temperature controller
 * speaking the SCPI-like protocol of docs/instruments.md on a serial port path (one end of a socat
 * pty pair in tests and demos). Runs until SIGINT or SIGTERM.
 */
import { runSimulator } from "../devices/simulator/run-simulator.js";
import { CliError } from "./cli-error.js";
import { defineCommand } from "./command-spec.js";

export const simulateInstrumentSpec = defineCommand({
  name: "simulate-instrument",
  summary: "a simulated instrument on a serial port (docs/instruments.md)",
  options: {
    // Its own --port: a serial port path, not serve's HTTP port.
    port: {
      type: "string",
      value: "PATH",
      description: "the serial port (e.g. one end of a socat pty pair)",
    },
    name: { type: "string", value: "NAME", description: "the name it answers *IDN? with (default sim-1)" },
    baud: { type: "string", value: "RATE", description: "baud rate (default 115200)" },
  },
  run: ({ values }) =>
    simulateInstrumentCommand({
      port: values.port,
      name: values.name ?? "sim-1",
      baud: values.baud ?? "115200",
    }),
});

export async function simulateInstrumentCommand(options: {
  port: string | undefined;
  name: string;
  baud: string;
}): Promise<number> {
  if (!options.port)
    throw new CliError(
      "simulate-instrument needs --port PATH (a serial port, e.g. one end of a socat pty pair)",
      2,
    );
  const baudRate = Number(options.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0)
    throw new CliError(`--baud: "${options.baud}" is not a baud rate`, 2);
  const simulator = await runSimulator({ port: options.port, name: options.name, baudRate });
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await simulator.close();
  return 0;
}
