import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "./http-error.js";

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of arrays and objects in JSON text, read from its bytes without parsing it
 * (brackets inside strings do not count). Linear, no recursion: a hostile body costs one pass.
 */
export function jsonDepth(bytes: Uint8Array): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/**
 * The JSON body parser's `verify` hook: refuses a body nested deeper than `maxDepth` with 400
 * `body_too_deep`, before it is parsed or validated.
 */
export function refuseDeepJson(maxDepth: number) {
  return (_req: IncomingMessage, _res: ServerResponse, bytes: Buffer): void => {
    if (jsonDepth(bytes) > maxDepth)
      throw new HttpError(
        "body_too_deep",
        `the body nests arrays and objects more than ${maxDepth} levels deep (the limit)`,
      );
  };
}
