// Small response writers for the browser-mode server: JSON bodies and the { ok: false, error } shape the HTTP bridge reads.
import type { ServerResponse } from 'node:http';
import type { ApiErrorShape, CallReply } from '../../common/api';
import { COMMON_HEADERS } from './headers';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** Refusals use the same envelope as failed calls, so the renderer shows the sentence whatever went wrong. */
export function sendError(res: ServerResponse, status: number, error: ApiErrorShape): void {
  sendJson(res, status, { ok: false, error } satisfies CallReply);
}
