import { pipeline } from "node:stream/promises";
import type { Response } from "express";
import type { OpenedFile } from "../app/result-files.js";

/**
 * Streams a file checked by the application API as a download: its content type, its length and
 * `Content-Disposition: attachment` (a browser saves it, never renders it as a page of this origin).
 */
export async function sendAttachment(res: Response, { info, stream }: OpenedFile): Promise<void> {
  res.attachment(info.name);
  res.setHeader("Content-Type", info.contentType);
  res.setHeader("Content-Length", String(info.size));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
  try {
    await pipeline(stream, res);
  } catch (error) {
    // Too late for an error status once bytes went out: cut the answer so the client sees it short.
    if (!res.headersSent) throw error;
    res.destroy(error as Error);
  }
}
