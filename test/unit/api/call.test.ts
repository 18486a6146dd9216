// lab.call(): the one validation boundary — wrong types, extra fields, unknown channels, output checks, error mapping.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { toApiError } from '../../../main/lab/boundary';
import { createLab, type Lab } from '../../../main/lab/index';
import { LabError } from '../../../common/errors';
import { defaultLanguage } from '../../../main/lab/app/settings';

let home: string;
let lab: Lab;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-call-'));
  lab = createLab({ home, env: { LANG: 'en_US.UTF-8' }, mode: 'cli' });
});

afterEach(() => {
  lab.close();
  rmSync(home, { recursive: true, force: true });
});

/** The LabError a call rejects with (fails the test when it resolves). */
async function refusal(channel: string, input: unknown): Promise<LabError> {
  try {
    await lab.call(channel, input);
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error(`${channel} accepted ${JSON.stringify(input)}`);
}

describe('input validation', () => {
  it('names the field and both types when a number arrives as a string', async () => {
    const e = await refusal('tokenizers.train', { datasetId: 1, name: 'bpe', kind: 'bpe', vocabSize: '8000' });
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('vocabSize');
    expect(e.message).toBe('Field "vocabSize": expected number, received string.');
  });

  it('refuses extra fields by name', async () => {
    const e = await refusal('settings.set', { language: 'en', colour: 'blue' });
    expect(e.message).toBe('Field "colour" is not accepted here (remove it).');
  });

  it('lists the allowed values of an enum and quotes the bad one', async () => {
    const e = await refusal('settings.set', { language: 'fr' });
    expect(e.field).toBe('language');
    expect(e.message).toBe('Field "language": expected one of "en", "zh-CN", received "fr".');
  });

  it('says which field is missing', async () => {
    const e = await refusal('datasets.get', {});
    expect(e.message).toBe('Field "id" is required (expected number).');
  });

  it('reports range problems with the bound and the value', async () => {
    const e = await refusal('datasets.split', { id: 1, train: 1.5, validation: 0, test: 0 });
    expect(e.field).toBe('train');
    expect(e.message).toBe('Field "train": must be at most 1, received 1.5.');
  });

  it('names a fractional number where a whole one is needed, and counts characters of short strings', async () => {
    expect((await refusal('datasets.get', { id: 1.5 })).message).toBe('Field "id": expected a whole number, received 1.5.');
    expect((await refusal('datasets.inspect', { path: '' })).message).toBe('Field "path": must be at least 1 character, received 0 characters.');
  });

  it('keeps the schema\'s own sentence when it has one', async () => {
    const e = await refusal('datasets.import', { path: 'a.txt', name: '' });
    expect(e.message).toBe('Field "name": Name must not be empty.');
  });

  it('refuses a non-object input', async () => {
    const e = await refusal('datasets.get', 'seven');
    expect(e.field).toBeUndefined();
    expect(e.message).toBe('The input: expected object, received string.');
  });

  it('refuses an unknown channel and suggests the channels of that domain', async () => {
    const e = await refusal('datasets.remove', { id: 1 });
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('channel');
    expect(e.message).toContain('There is no API channel called "datasets.remove"');
    expect(e.message).toContain('"datasets.delete"');
  });

  it('treats a missing input as {} for channels without arguments', async () => {
    await expect(lab.call('settings.get', undefined)).resolves.toEqual({ language: 'en', theme: 'system', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] });
  });
});

describe('settings', () => {
  it('defaults the language from the locale variables', () => {
    expect(defaultLanguage({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(defaultLanguage({ LC_ALL: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' })).toBe('zh-CN');
    expect(defaultLanguage({ LC_ALL: 'C', LANG: 'de_DE.UTF-8' })).toBe('en');
  });

  it('writes only the given keys and remembers them across a reopen', async () => {
    await expect(lab.call('settings.set', { theme: 'dark' })).resolves.toEqual({ language: 'en', theme: 'dark', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] });
    await lab.call('settings.set', { language: 'zh-CN' });
    lab.close();
    lab = createLab({ home, env: { LANG: 'en_US.UTF-8' }, mode: 'cli' });
    await expect(lab.call('settings.get', {})).resolves.toEqual({ language: 'zh-CN', theme: 'dark', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] });
  });

  it('falls back to the default when a stored value is not valid any more', async () => {
    lab.ctx.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('theme', 'sepia');
    lab.ctx.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('hiddenRunColumns', '["colour"');
    await expect(lab.call('settings.get', {})).resolves.toEqual({ language: 'en', theme: 'system', hiddenRunColumns: ['tokenizer', 'figures', 'tokensPerSecond', 'started'] });
  });

  it('remembers the runs table\'s hidden columns (issue 14) and refuses a column it does not have', async () => {
    type S = { hiddenRunColumns: string[] };
    const set = (await lab.call('settings.set', { hiddenRunColumns: ['notes', 'tokenizer', 'notes'] })) as S;
    expect(set.hiddenRunColumns).toEqual(['notes', 'tokenizer']);
    expect(((await lab.call('settings.get', {})) as S).hiddenRunColumns).toEqual(['notes', 'tokenizer']);
    // every column shown is a choice too: an empty list is not "never chosen"
    expect(((await lab.call('settings.set', { hiddenRunColumns: [] })) as S).hiddenRunColumns).toEqual([]);
    const e = await refusal('settings.set', { hiddenRunColumns: ['colour'] });
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('colour');
    expect(((await lab.call('settings.get', {})) as S).hiddenRunColumns).toEqual([]);
  });
});

describe('app.info', () => {
  it('describes this lab', async () => {
    const info = (await lab.call('app.info', {})) as Record<string, string>;
    expect(info.mode).toBe('cli');
    expect(info.home).toBe(home);
    expect(info.databasePath).toBe(join(home, 'lab.sqlite'));
    expect(['native-avx2', 'native-portable', 'js']).toContain(info.kernelBackend);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('output validation and events', () => {
  it('turns a result that breaks the contract into an internal error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    lab.handlers['settings.get'] = async () => ({ language: 'klingon', theme: 'system' }) as never;
    const e = await refusal('settings.get', {});
    expect(e.code).toBe('internal');
    expect(e.message).toContain('"settings.get"');
    // The person gets a generic sentence; the log gets the contract breach for the developer.
    expect(String(log.mock.calls[0][0])).toContain('Field "language": expected one of "en", "zh-CN", received "klingon".');
    log.mockRestore();
  });

  it('delivers valid events to listeners and drops malformed ones', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: [string, unknown][] = [];
    const off = lab.on((event, payload) => seen.push([event, payload]));
    lab.ctx.emit('datasets.changed', { id: 3 });
    lab.ctx.emit('datasets.changed', { id: 'three' } as never);
    off();
    lab.ctx.emit('datasets.changed', { id: 4 });
    expect(seen).toEqual([['datasets.changed', { id: 3 }]]);
    expect(log).toHaveBeenCalledTimes(1);
    log.mockRestore();
  });

  it('refuses calls after close', async () => {
    lab.close();
    const e = await refusal('settings.get', {});
    expect(e.code).toBe('unavailable');
  });
});

describe('toApiError', () => {
  it('passes a LabError through with its field', () => {
    expect(toApiError(new LabError('not_found', 'There is no dataset 9.', { field: 'id' }))).toEqual({ message: 'There is no dataset 9.', code: 'not_found', field: 'id' });
  });

  it('maps SQLite trouble to a store sentence', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY_SNAPSHOT' });
    expect(toApiError(busy).code).toBe('store');
    expect(toApiError(busy).message).toContain('busy');
  });

  it('turns file-system refusals into 4xx sentences naming the path (the fuzzer found 500s for these)', async () => {
    const file = join(home, 'notes.txt');
    writeFileSync(file, 'hello');
    const caught = async (channel: string, input: unknown): Promise<unknown> => lab.call(channel, input).then(() => {
      throw new Error(`${channel} accepted ${JSON.stringify(input)}`);
    }, (e: unknown) => e);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    // a path that goes through a regular file as if it were a folder
    const under = toApiError(await caught('datasets.inspect', { path: join(file, 'inner.txt') }));
    expect(under.code).toBe('invalid_input');
    expect(under.message).toContain(JSON.stringify(join(file, 'inner.txt')));
    expect(under.message).toContain('regular file');
    expect((await caught('datasets.import', { path: join(file, 'inner.txt'), name: 'under' })) as LabError).toMatchObject({ code: 'invalid_input', field: 'path' });
    // a NUL character, and a name longer than any file system allows
    const nul = toApiError(await caught('datasets.inspect', { path: join(home, 'a\u0000b.txt') }));
    expect(nul).toMatchObject({ code: 'invalid_input', field: 'path' });
    expect(nul.message).toContain('NUL');
    const long = toApiError(await caught('datasets.import', { path: join(home, `${'x'.repeat(300)}.txt`), name: 'long' }));
    expect(long).toMatchObject({ code: 'invalid_input', field: 'path' });
    expect(long.message).toContain('too long for this file system');
    // and the plain missing file
    expect(toApiError(Object.assign(new Error('ENOENT'), { code: 'ENOENT', path: '/nowhere/x.txt', syscall: 'open' }))).toEqual({
      code: 'not_found', field: 'path', message: 'There is no file or folder at "/nowhere/x.txt"; check the path and try again.',
    });
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
  });

  it('names a NUL or an over-long name in any path, in or out, instead of "there is no file" (one shared check)', async () => {
    const nul = join(home, 'a\u0000b');
    const long = join(home, 'x'.repeat(300));
    const inputs: Array<[string, (p: string) => unknown]> = [
      ['tokenizers.import', (p) => ({ path: p, name: 'tk' })], ['analysis.onnxInspect', (p) => ({ path: p })],
      ['embeddings.import', (p) => ({ path: p, format: 'w2v-text' })], ['runs.importExternal', (p) => ({ path: p })],
      ['scale.importTorch', (p) => ({ dir: p })], ['projector.open', (p) => ({ source: { kind: 'file', path: p, format: 'w2v-text' } })],
    ];
    // outputs: a run imported from a CSV (reports) and three imported vectors (embeddings) are enough to export
    writeFileSync(join(home, 'ext.csv'), 'step,loss\n1,2.0\n2,1.5\n');
    const ext = (await lab.call('runs.importExternal', { path: join(home, 'ext.csv') }) as { runs: { id: number }[] }).runs[0].id;
    writeFileSync(join(home, 'v.txt'), '3 2\nthe 0.1 0.2\ncat 0.3 0.1\ndog 0.2 0.5\n');
    const vectors = (await lab.call('embeddings.import', { path: join(home, 'v.txt'), format: 'w2v-text' }) as { runId: number }).runId;
    const outputs: Array<[string, (p: string) => unknown]> = [
      ['reports.export', (p) => ({ runIds: [ext], format: 'html', path: p })], ['reports.export', (p) => ({ runIds: [ext], format: 'tfevents', path: p })],
      ['embeddings.export', (p) => ({ runId: vectors, format: 'w2v-text', out: p })], ['embeddings.export', (p) => ({ runId: vectors, format: 'projector', out: p })],
    ];
    for (const [channel, input] of [...inputs, ...outputs]) {
      for (const [bad, says] of [[nul, 'contains a NUL character'], [long, 'has a name of 300 bytes']]) {
        const e = await refusal(channel, input(bad));
        expect(e.code, `${channel}: ${e.message}`).toBe('invalid_input');
        expect(e.message, channel).toContain(says);
        expect(e.message, channel).toContain(JSON.stringify(bad).slice(0, 30));
      }
    }
    // an output under a regular file says so (embeddings.export said "… already exists" of the file above it)
    writeFileSync(join(home, 'plain.txt'), 'x');
    for (const [channel, input] of outputs) {
      const e = await refusal(channel, input(join(home, 'plain.txt', 'a', 'out')));
      expect(e.message, channel).toContain(`goes under ${JSON.stringify(join(home, 'plain.txt'))}, which is a file, not a folder`);
    }
  });

  it('hides the details of unexpected errors behind a generic sentence', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const shape = toApiError(new TypeError('x is undefined'));
    expect(shape.code).toBe('internal');
    expect(shape.message).not.toContain('x is undefined');
    expect(String(log.mock.calls[0][1])).toContain('x is undefined');
    log.mockRestore();
  });
});
