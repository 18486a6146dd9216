// The browser-mode API routes: POST /api/call, GET /api/events (SSE), POST /api/upload, GET /api/download.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CallReply } from '../../common/api';
import type { Lab } from '../lab/index';
import { toApiError } from '../lab/boundary';
import { uploadsDir } from '../lab/app/uploads';
import { COMMON_HEADERS } from './headers';
import { sendError, sendJson } from './reply';

/** A JSON call carries at most a path, a name and a few numbers; 1 MB leaves room for a long text to encode. */
export const MAX_CALL_BYTES = 1024 * 1024;
/** Uploaded datasets: large corpora are fine, a runaway request is not. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** Comment lines keep idle SSE connections from being closed by the browser or a proxy. */
const SSE_HEARTBEAT_MS = 15_000;

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  bad_file: 422,
  unavailable: 503,
  store: 500,
  internal: 500,
};

class TooLarge extends Error {}

/**
 * Refuses an oversized body without reading it. The connection is closed afterwards: otherwise Node would keep it
 * alive and try to drain gigabytes the client may still be sending, and the next request on it would stall.
 */
function refuseTooLarge(res: ServerResponse, message: string): void {
  res.setHeader('connection', 'close');
  sendError(res, 413, { message, code: 'invalid_input' });
}

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(0)} GB` : `${(bytes / 1024 ** 2).toFixed(0)} MB`;
}

/** Reads a request body into memory, refusing it as soon as it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw === undefined ? undefined : Number(raw);
}

export async function handleCall(lab: Lab, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const tooLarge = `The request is larger than ${megabytes(MAX_CALL_BYTES)}; send large files with /api/upload instead.`;
  if ((declaredLength(req) ?? 0) > MAX_CALL_BYTES) return refuseTooLarge(res, tooLarge);
  // Requiring JSON also keeps out the "simple" cross-site form posts that browsers send without asking first.
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    return sendError(res, 415, { message: `Send /api/call as application/json (got ${JSON.stringify(req.headers['content-type'] ?? 'no content type')}).`, code: 'invalid_input' });
  }
  let body: Buffer;
  try {
    body = await readBody(req, MAX_CALL_BYTES);
  } catch (e) {
    if (e instanceof TooLarge) return refuseTooLarge(res, tooLarge);
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (e) {
    return sendError(res, 400, { message: `The request body is not valid JSON: ${(e as Error).message} (expected {"channel": "…", "input": {…}}).`, code: 'invalid_input' });
  }
  const envelope = parsed as { channel?: unknown; input?: unknown } | null;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope) || typeof envelope.channel !== 'string') {
    return sendError(res, 400, { message: 'The request body must be an object {"channel": "…", "input": {…}} with the channel name as a string.', code: 'invalid_input', field: 'channel' });
  }
  try {
    const result = await lab.call(envelope.channel, envelope.input);
    sendJson(res, 200, { ok: true, result } satisfies CallReply);
  } catch (e) {
    const error = toApiError(e);
    sendError(res, STATUS_BY_CODE[error.code] ?? 500, error);
  }
}

/** Open event streams, so shutting the server down can end them instead of waiting for the browser to leave. */
export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  handle(lab: Lab, req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // `retry` makes EventSource reconnect quickly after a laptop sleeps; the comment flushes the headers now.
    res.write('retry: 2000\n: connected\n\n');
    const unsubscribe = lab.on((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    this.open.add(res);
    const cleanup = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  }

  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}

/**
 * A file name that is safe inside uploads/: letters (any script), digits, dot, dash and underscore only,
 * no leading dot, at most 100 characters, the extension kept because import guesses the format from it.
 */
export function safeUploadName(raw: string | null): string {
  const cleaned = basename(raw ?? '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '');
  if (cleaned === '') return 'upload';
  if (cleaned.length <= 100) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 12 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 100 - ext.length) + ext;
}

export async function handleUpload(lab: Lab, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const declared = declaredLength(req);
  const tooLarge = `The upload is larger than ${megabytes(MAX_UPLOAD_BYTES)}, the most browser mode accepts; import a file this big with the attention-lab CLI instead.`;
  if (declared !== undefined && declared > MAX_UPLOAD_BYTES) return refuseTooLarge(res, tooLarge);
  const dir = uploadsDir(lab.ctx.home);
  await fs.mkdir(dir, { recursive: true });
  const target = join(dir, `${randomBytes(6).toString('hex')}-${safeUploadName(url.searchParams.get('name'))}`);
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      done(size > MAX_UPLOAD_BYTES ? new TooLarge() : null, chunk);
    },
  });
  try {
    // 'wx' refuses to overwrite: the random prefix makes a clash unlikely, and this makes it harmless.
    await pipeline(req, limiter, createWriteStream(target, { flags: 'wx' }));
  } catch (e) {
    await fs.rm(target, { force: true });
    if (e instanceof TooLarge) return refuseTooLarge(res, tooLarge);
    if (res.destroyed) return;
    return sendError(res, 400, { message: `The upload stopped before the whole file arrived (${(e as Error).message}); please try again.`, code: 'invalid_input' });
  }
  sendJson(res, 200, { ok: true, path: target, bytes: size });
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await fs.realpath(path);
  } catch {
    return null;
  }
}

/** Only files under <home>/exports leave the machine's disk this way; symlinks are resolved before the check. */
export async function handleDownload(lab: Lab, res: ServerResponse, url: URL): Promise<void> {
  const requested = url.searchParams.get('path');
  if (requested === null || requested === '') {
    return sendError(res, 400, { message: 'Say which exported file to download with ?path=….', code: 'invalid_input', field: 'path' });
  }
  const exportsDir = join(lab.ctx.home, 'exports');
  await fs.mkdir(exportsDir, { recursive: true });
  const root = await fs.realpath(exportsDir);
  const real = await realpathOrNull(resolve(root, requested));
  if (real === null) {
    return sendError(res, 404, { message: `There is no exported file at ${JSON.stringify(requested)}; export it again.`, code: 'not_found', field: 'path' });
  }
  if (!real.startsWith(root + sep)) {
    return sendError(res, 403, { message: `Only files in the lab's exports folder can be downloaded; ${JSON.stringify(requested)} is outside it.`, code: 'invalid_input', field: 'path' });
  }
  const stat = await fs.stat(real);
  if (!stat.isFile()) {
    return sendError(res, 400, { message: `${JSON.stringify(requested)} is a folder, not an exported file.`, code: 'invalid_input', field: 'path' });
  }
  const name = basename(real);
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': name.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream',
    'content-length': stat.size,
    'content-disposition': `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
  });
  createReadStream(real).on('error', () => res.destroy()).pipe(res);
}
