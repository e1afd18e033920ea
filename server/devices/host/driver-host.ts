/**
 * The driver host process, one per driver type:
 * `node dist/server/devices/host/driver-host.js --driver labflow-sim --socket PATH`.
 * The supervisor spawns it detached (its own process group, output to a log file), so it keeps
 * acquiring when the server stops; the next server reattaches over the socket.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { HostAlreadyRunning, serveDriverHost } from "./driver-host-server.js";
import { DriverHostService } from "./driver-host-service.js";
import { driverImplementations } from "./driver-implementations.js";

export async function runDriverHost(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { driver: { type: "string" }, socket: { type: "string" } },
  });
  const driver = driverImplementations.get(values.driver ?? "");
  if (!driver || !values.socket) {
    console.error(
      `usage: driver-host --driver TYPE --socket PATH (known drivers: ${[...driverImplementations.keys()].join(", ")})`,
    );
    process.exit(2);
  }
  const type = driver.descriptor.type;
  process.title = `labflow-driver-host ${type}`;
  const log = (message: string) =>
    console.log(`${new Date().toISOString()} [${type} ${process.pid}] ${message}`);
  // One bad event must not end the acquisitions of every device this host owns.
  process.on("uncaughtException", (error) =>
    log(`unexpected error (host keeps running): ${error.stack ?? error}`),
  );
  process.on("unhandledRejection", (error) =>
    log(`unhandled rejection (host keeps running): ${String(error)}`),
  );

  const service = new DriverHostService(driver, log);
  let server: Awaited<ReturnType<typeof serveDriverHost>>;
  try {
    server = await serveDriverHost(service, values.socket, log);
  } catch (error) {
    if (error instanceof HostAlreadyRunning) {
      log(`${error.message}; this one exits`);
      process.exit(0);
    }
    throw error;
  }
  log(`driver host listening on ${values.socket}`);
  const shutdown = async (signal: string) => {
    log(`${signal}: stopping acquisitions and closing ports`);
    server.close();
    await service.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) {
  runDriverHost(process.argv.slice(2)).catch((error) => {
    console.error(`driver host failed to start: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
