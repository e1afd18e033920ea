/**
 * `labflow simulate-instrument --port PATH [--name NAME]`: a simulated temperature controller
 * speaking the SCPI-like protocol of docs/instruments.md on a serial port path (one end of a socat
 * pty pair in tests and demos). Runs until SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import { runSimulator } from "../devices/simulator/run-simulator.js";
import { CliError } from "./cli-error.js";

/** Takes its own arguments (after the command name): its `--port` is a path, not the HTTP port. */
export async function simulateInstrumentCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      name: { type: "string", default: "sim-1" },
      baud: { type: "string", default: "115200" },
    },
  });
  if (!values.port)
    throw new CliError(
      "simulate-instrument needs --port PATH (a serial port, e.g. one end of a socat pty pair)",
      2,
    );
  const baudRate = Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate <= 0)
    throw new CliError(`--baud: "${values.baud}" is not a baud rate`, 2);
  const simulator = await runSimulator({ port: values.port, name: values.name, baudRate });
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await simulator.close();
  return 0;
}
