// Request checks for the browser-mode server: Host (DNS rebinding), Origin (other sites) and the per-launch token.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Only the two names of the loopback address this server listens on; anything else is a rebinding attempt. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).includes(host);
}

/**
 * Browsers send Origin on cross-site fetches and on every POST; a page on another site must not reach the API
 * even if it guessed the port. Requests without Origin (same-origin GETs, the CLI, curl) pass to the token check.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
}

/**
 * The token travels in the x-lab-token header; GET routes may carry it as ?token= instead, because
 * EventSource and download links cannot set headers.
 */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-lab-token'];
  if (typeof header === 'string' && header !== '') return header;
  if (req.method === 'GET') return url.searchParams.get('token') ?? undefined;
  return undefined;
}

/** Constant-time comparison so the token cannot be guessed byte by byte from response timings. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
