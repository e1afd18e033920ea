/**
 * serialport's unix binding retries a read that returns 0 bytes at once, forever. A hung-up
 * pseudo-terminal (socat gone) and some USB adapters on removal read 0 bytes (end of file) for
 * ever, so the port would spin at full CPU and never report the link gone. This binding ends the
 * read with a disconnect instead, which closes the port and starts LinePort's reopen attempts.
 */
import { read } from "node:fs";
import { promisify } from "node:util";
import { SerialPort } from "serialport";

const readAsync = promisify(read);

type Binding = typeof SerialPort.binding;
type OpenOptions = Parameters<Binding["open"]>[0];

interface UnixPortBinding {
  fd: number | null;
  isOpen: boolean;
  poller?: { once(event: "readable", cb: (err: Error | null) => void): void };
  read(buffer: Buffer, offset: number, length: number): Promise<{ bytesRead: number; buffer: Buffer }>;
}

const RETRY = new Set(["EAGAIN", "EWOULDBLOCK", "EINTR"]);
const GONE = new Set(["EBADF", "ENXIO", "EIO", "UNKNOWN"]);

export const hangupAwareBinding: Binding =
  process.platform === "win32"
    ? SerialPort.binding
    : ({
        ...SerialPort.binding,
        list: () => SerialPort.binding.list(),
        async open(options: OpenOptions) {
          const port = (await SerialPort.binding.open(options as never)) as unknown as UnixPortBinding;
          if (!port.poller) return port as never;
          port.read = (buffer, offset, length) => readUntilData(port, buffer, offset, length);
          return port as never;
        },
      } as Binding);

async function readUntilData(port: UnixPortBinding, buffer: Buffer, offset: number, length: number) {
  for (;;) {
    if (!port.isOpen || port.fd === null)
      throw Object.assign(new Error("Port is not open"), { canceled: true });
    try {
      const { bytesRead } = await readAsync(port.fd, buffer, offset, length, null);
      if (bytesRead === 0)
        throw Object.assign(new Error("the line hung up (end of file)"), { disconnect: true });
      return { bytesRead, buffer };
    } catch (error) {
      const e = error as NodeJS.ErrnoException & { disconnect?: boolean };
      if (e.code && RETRY.has(e.code)) {
        if (!port.isOpen) throw Object.assign(new Error("Port is not open"), { canceled: true });
        await new Promise<void>((resolve, reject) =>
          port.poller!.once("readable", (err) => (err ? reject(err) : resolve())),
        );
        continue;
      }
      if ((e.code && GONE.has(e.code)) || e.errno === -1) e.disconnect = true;
      throw e;
    }
  }
}
