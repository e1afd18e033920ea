import { randomBytes } from "node:crypto";

/** Shorter tokens can be guessed by a page that tries many through DNS rebinding. */
export const MIN_TOKEN_LENGTH = 16;

/** A fresh token for one `labflow serve`: 32 URL-safe characters (192 random bits). */
export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/**
 * Why a token may not be used, or undefined when it may. Empty or short tokens are guessable;
 * whitespace and other characters outside printable ASCII would not survive a header, a cookie or
 * a URL unchanged.
 */
export function tokenProblem(token: string): string | undefined {
  if (token.trim() === "") return "the token is empty";
  if (/\s/.test(token)) return "the token holds whitespace";
  if (!/^[\x21-\x7e]+$/.test(token)) return "the token holds characters outside printable ASCII";
  if (token.length < MIN_TOKEN_LENGTH)
    return `the token is ${token.length} characters long; give at least ${MIN_TOKEN_LENGTH}`;
  return undefined;
}
