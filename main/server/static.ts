// Serves the built renderer (out/renderer) to the browser: real files with their content types, SPA fallback, no traversal.
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { COMMON_HEADERS } from './headers';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { size } = await fs.stat(path);
  const isHtml = extname(path) === '.html';
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    // Vite fingerprints asset names, so they may be cached; the page itself must be re-read after a rebuild.
    'cache-control': isHtml ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path).on('error', () => res.destroy()).pipe(res);
}

/**
 * GET/HEAD of `pathname` (still percent-encoded, as it came in the URL) under `rendererDir`.
 * A path without an extension that names no file gets index.html, so the Vue router's deep links survive a reload.
 */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, rendererDir: string, pathname: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendText(res, 405, `${req.method ?? 'This method'} is not supported for ${pathname}; pages and assets are read with GET.`);
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendText(res, 400, `The path ${pathname} is not valid percent-encoding.`);
    return;
  }
  const root = resolve(rendererDir);
  const target = resolve(root, `.${decoded}`);
  if (decoded.includes('\0') || (target !== root && !target.startsWith(root + sep))) {
    sendText(res, 403, `The path ${pathname} points outside the app and is not served.`);
    return;
  }
  const index = join(root, 'index.html');
  if (!(await isFile(index))) {
    sendText(res, 503, `The Attention Lab page is not built yet (${index} is missing); run "npm run build:renderer" and reload.`);
    return;
  }
  if (target !== root && (await isFile(target))) {
    await sendFile(req, res, target);
    return;
  }
  if (extname(decoded) === '' || decoded.endsWith('/')) {
    await sendFile(req, res, index);
    return;
  }
  sendText(res, 404, `There is no file ${decoded} in the app.`);
}
