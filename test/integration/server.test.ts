// Browser-mode server: token, Origin and Host guards, calls through lab.call, SSE events, upload/download, static files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, type Lab } from '../../main/lab/index';
import { startServer, type RunningServer } from '../../main/server/index';
import { CONTENT_SECURITY_POLICY } from '../../main/server/headers';

let home: string;
let rendererDir: string;
let lab: Lab;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-server-'));
  rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Attention Lab</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app-1a2b.js'), 'console.log("lab")');
  lab = createLab({ home, env: { LANG: 'en_US.UTF-8' }, mode: 'browser' });
  server = await startServer({ lab, port: 0, rendererDir });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
  lab.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

/** A raw HTTP request, for what fetch will not send: a foreign Host header, an unnormalised path. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function call(channel: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}/api/call`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-lab-token': server.token, ...headers },
    body: JSON.stringify({ channel, input }),
  });
}

describe('the printed address', () => {
  it('is loopback with a fresh 32-character token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('guards', () => {
  it('answers 401 with a JSON sentence when the token is missing or wrong', async () => {
    const missing = await call('settings.get', {}, { 'x-lab-token': '' });
    expect(missing.status).toBe(401);
    const body = (await missing.json()) as { ok: boolean; error: { message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.message).toContain('access token');
    const wrong = `${server.token.slice(0, -1)}${server.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await call('settings.get', {}, { 'x-lab-token': wrong })).status).toBe(401);
  });

  it('does not take the token from the query string of a POST', async () => {
    const res = await fetch(`${base}/api/call?token=${server.token}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'settings.get', input: {} }),
    });
    expect(res.status).toBe(401);
  });

  it('answers 403 to another origin even with the token', async () => {
    const res = await call('settings.get', {}, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('http://evil.example');
  });

  it('accepts our own origin under both loopback names', async () => {
    expect((await call('settings.get', {}, { origin: base })).status).toBe(200);
    expect((await call('settings.get', {}, { origin: `http://localhost:${server.port}` })).status).toBe(200);
  });

  it('answers 403 to a foreign Host header (DNS rebinding), for pages too', async () => {
    const api = await raw('/api/events?token=' + server.token, { host: `evil.example:${server.port}` });
    expect(api.status).toBe(403);
    const page = await raw('/', { host: `evil.example:${server.port}` });
    expect(page.status).toBe(403);
    expect((await raw('/', { host: `localhost:${server.port}` })).status).toBe(200);
  });
});

describe('/api/call', () => {
  it('runs a channel through lab.call', async () => {
    const res = await call('settings.set', { theme: 'dark' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { language: 'en', theme: 'dark', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] } });
  });

  it('returns the same validation sentence as IPC, with status 400', async () => {
    const res = await call('settings.set', { theme: 3 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error: { message: 'Field "theme": expected one of "light", "dark", "system", received 3.', code: 'invalid_input', field: 'theme' } });
  });

  it('refuses bodies over 1 MB with 413 and non-JSON bodies with 415', async () => {
    const big = await call('tokenizers.encode', { id: 1, text: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    const form = await fetch(`${base}/api/call`, { method: 'POST', headers: { 'x-lab-token': server.token, 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });

  it('explains a malformed envelope', async () => {
    const res = await fetch(`${base}/api/call`, { method: 'POST', headers: { 'x-lab-token': server.token, 'content-type': 'application/json' }, body: '{"channel": ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
  });
});

describe('/api/events', () => {
  it('streams lab events as named server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events?token=${server.token}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    // The first chunk is the greeting; emit only once the stream is open, so the listener is registered.
    text += decoder.decode((await reader.read()).value);
    lab.ctx.emit('datasets.changed', { id: 7 });
    while (!text.includes('event: datasets.changed')) text += decoder.decode((await reader.read()).value);
    controller.abort();
    expect(text).toContain('event: datasets.changed\ndata: {"id":7}\n\n');
  });

  it('requires the token', async () => {
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
  });
});

describe('/api/upload and /api/download', () => {
  it('stores an upload under uploads/ with a safe name, and the lab can read it', async () => {
    const content = 'first paragraph\n\nsecond paragraph\n';
    const res = await fetch(`${base}/api/upload?name=${encodeURIComponent('../../my notes?.txt')}`, {
      method: 'POST', headers: { 'x-lab-token': server.token, 'content-type': 'application/octet-stream' }, body: content,
    });
    expect(res.status).toBe(200);
    const { path } = (await res.json()) as { path: string };
    expect(dirname(path)).toBe(join(home, 'uploads'));
    expect(basename(path)).toMatch(/^[0-9a-f]{12}-my_notes_.txt$/);
    expect(readFileSync(path, 'utf8')).toBe(content);
    const inspect = await call('datasets.inspect', { path });
    const body = (await inspect.json()) as { ok: boolean; result: { format: string; bytes: number } };
    expect(body.ok).toBe(true);
    expect(body.result.format).toBe('txt');
    expect(body.result.bytes).toBe(Buffer.byteLength(content));
    // importing it keeps the text in the store and removes the upload copy (uploads/ used to grow for ever)
    const imported = (await (await call('datasets.import', { path, name: 'uploaded notes' })).json()) as { ok: boolean };
    expect(imported.ok).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('sweeps upload copies older than a day (never imported) and keeps the recent ones', async () => {
    const dir = join(home, 'uploads');
    mkdirSync(dir, { recursive: true });
    const old = join(dir, 'aaaaaaaaaaaa-old.txt');
    const recent = join(dir, 'bbbbbbbbbbbb-recent.txt');
    writeFileSync(old, 'old');
    writeFileSync(recent, 'recent');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    const second = await startServer({ lab, port: 0, rendererDir });
    await second.close();
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
  });

  it('refuses an upload declared larger than 2 GB before reading it', async () => {
    const res = await raw('/api/upload?name=huge.txt', { 'x-lab-token': server.token, 'content-length': String(3 * 1024 ** 3) }, 'POST');
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('downloads files from exports/ only', async () => {
    const exportsDir = join(home, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    writeFileSync(join(exportsDir, 'tiny.jsonl'), '{"text":"a"}\n');
    const ok = await fetch(`${base}/api/download?path=${encodeURIComponent(join(exportsDir, 'tiny.jsonl'))}&token=${server.token}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toContain('tiny.jsonl');
    expect(await ok.text()).toBe('{"text":"a"}\n');

    const outside = await fetch(`${base}/api/download?path=${encodeURIComponent(join(home, 'lab.sqlite'))}&token=${server.token}`);
    expect(outside.status).toBe(403);
    const climbing = await fetch(`${base}/api/download?path=${encodeURIComponent('../lab.sqlite')}&token=${server.token}`);
    expect(climbing.status).toBe(403);
    symlinkSync(join(home, 'lab.sqlite'), join(exportsDir, 'sneaky.jsonl'));
    const linked = await fetch(`${base}/api/download?path=sneaky.jsonl&token=${server.token}`);
    expect(linked.status).toBe(403);
    expect((await fetch(`${base}/api/download?path=tiny.jsonl`)).status).toBe(401);
  });
});

describe('static files', () => {
  it('serves the page with the CSP and assets with their content type', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain(CONTENT_SECURITY_POLICY);
    const asset = await fetch(`${base}/assets/app-1a2b.js`);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await asset.text()).toBe('console.log("lab")');
  });

  it('falls back to index.html for app routes, 404 for missing assets', async () => {
    expect(await (await fetch(`${base}/datasets/3`)).text()).toContain('<title>Attention Lab</title>');
    expect((await fetch(`${base}/assets/missing.js`)).status).toBe(404);
  });

  it('refuses paths that climb out of the renderer folder', async () => {
    // Encoded slashes survive URL parsing and would climb after decoding: refused outright.
    for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd']) {
      const res = await raw(path);
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('root:');
    }
    // Dot segments are resolved by the URL parser first, so they stay inside the app (here: the SPA page).
    const dots = await raw('/%2e%2e/%2e%2e/etc/passwd');
    expect(dots.body).toContain('<title>Attention Lab</title>');
  });
});
