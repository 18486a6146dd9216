// The small checks the front doors rely on: which pages may use IPC, which requests pass the server's guards, upload names.
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isOwnPage, rendererLocation } from '../../../main/app/renderer-location';
import { hostAllowed, originAllowed, requestToken, tokenMatches } from '../../../main/server/guard';
import { safeUploadName } from '../../../main/server/routes';

function req(headers: Record<string, string>, method = 'GET'): IncomingMessage {
  return { headers, method } as unknown as IncomingMessage;
}

describe('isOwnPage (IPC sender check)', () => {
  const built = rendererLocation({});
  const rendererDir = join(built.indexFile, '..');

  it('accepts pages of the built renderer, with routes and queries', () => {
    expect(isOwnPage(pathToFileURL(built.indexFile).href, built)).toBe(true);
    expect(isOwnPage(`${pathToFileURL(built.indexFile).href}#/datasets/3`, built)).toBe(true);
  });

  it('refuses other files, look-alike folders and remote pages', () => {
    expect(isOwnPage(pathToFileURL(join(rendererDir, '..', 'main', 'index.js')).href, built)).toBe(false);
    expect(isOwnPage(`${pathToFileURL(rendererDir).href}-evil/index.html`, built)).toBe(false);
    expect(isOwnPage('https://example.com/', built)).toBe(false);
    expect(isOwnPage('', built)).toBe(false);
  });

  it('accepts the dev server only while it is configured', () => {
    const dev = rendererLocation({ ELECTRON_RENDERER_URL: 'http://localhost:5173' });
    expect(isOwnPage('http://localhost:5173/#/tokenizers', dev)).toBe(true);
    expect(isOwnPage('http://localhost:5174/', dev)).toBe(false);
    expect(isOwnPage('http://localhost:5173/', built)).toBe(false);
  });
});

describe('server guards', () => {
  it('allows only the loopback names with our port as Host', () => {
    expect(hostAllowed(req({ host: '127.0.0.1:4000' }), 4000)).toBe(true);
    expect(hostAllowed(req({ host: 'LOCALHOST:4000' }), 4000)).toBe(true);
    expect(hostAllowed(req({ host: '127.0.0.1:4001' }), 4000)).toBe(false);
    expect(hostAllowed(req({ host: 'attacker.example:4000' }), 4000)).toBe(false);
    expect(hostAllowed(req({}), 4000)).toBe(false);
  });

  it('lets requests without Origin through to the token check, and refuses foreign origins', () => {
    expect(originAllowed(req({}), 4000)).toBe(true);
    expect(originAllowed(req({ origin: 'http://127.0.0.1:4000' }), 4000)).toBe(true);
    expect(originAllowed(req({ origin: 'https://127.0.0.1:4000' }), 4000)).toBe(false);
    expect(originAllowed(req({ origin: 'null' }), 4000)).toBe(false);
  });

  it('reads the token from the header, and from the query only for GET', () => {
    const url = new URL('http://127.0.0.1:4000/api/events?token=abc');
    expect(requestToken(req({ 'x-lab-token': 'xyz' }), url)).toBe('xyz');
    expect(requestToken(req({}), url)).toBe('abc');
    expect(requestToken(req({}, 'POST'), url)).toBeUndefined();
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });
});

describe('safeUploadName', () => {
  it('keeps letters of any script and the extension, drops path parts and odd characters', () => {
    expect(safeUploadName('唐诗三百首.txt')).toBe('唐诗三百首.txt');
    expect(safeUploadName('../../etc/passwd')).toBe('passwd');
    expect(safeUploadName('C:\\Users\\me\\my notes (v2).csv')).toBe('C_Users_me_my_notes_v2_.csv');
    expect(safeUploadName('.bashrc')).toBe('bashrc');
    expect(safeUploadName('')).toBe('upload');
    expect(safeUploadName(null)).toBe('upload');
  });

  it('shortens long names to 100 characters but keeps the extension', () => {
    const name = safeUploadName(`${'a'.repeat(300)}.jsonl`);
    expect(name).toHaveLength(100);
    expect(name.endsWith('.jsonl')).toBe(true);
  });
});
