// The attention-lab CLI end to end: real processes (bin.mjs → tsx → lab.call) on a temp lab home, JSON and human output, exit codes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/index';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
// the shared test data lives beside the checkout (../shared), in CI as here
const SHAKESPEARE = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'tinyshakespeare.txt');

let home: string;
let poems: string;
const POEMS = [
  'The quick brown fox jumps over the lazy dog.',
  'Shall I compare thee to a summer\'s day?\nThou art more lovely and more temperate.',
  '床前明月光，疑是地上霜。',
  'To be, or not to be: that is the question.',
];

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-cli-'));
  poems = join(home, 'poems.txt');
  writeFileSync(poems, POEMS.join('\n\n'));
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

/** Runs the real executable, as `npx attention-lab` would. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--home', home, ...args], { env: { ...process.env, LANG: 'en_US.UTF-8' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs the CLI in this process (same code path after bin.mjs), for the quick usage checks. */
async function inProcess(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}

function json<T>(run: Run): T {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

interface DatasetJson { id: number; name: string; stats: { documents: number; characters: number; words: number }; split: unknown }

describe('usage', () => {
  it('prints help with exit 0, per command too', async () => {
    const top = await inProcess('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: attention-lab');
    const sub = await inProcess('datasets', 'import', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Usage: attention-lab datasets import PATH --name N');
  });

  it('exits 2 with a hint for an unknown command, subcommand or flag, writing nothing on stdout', async () => {
    const cmd = await inProcess('dataset', 'list');
    expect(cmd).toMatchObject({ code: 2, stdout: '' });
    expect(cmd.stderr).toContain('attention-lab has no command "dataset". Did you mean "datasets"?');
    const sub = await inProcess('datasets', 'lst');
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('has no subcommand "lst"');
    const flag = await inProcess('datasets', 'list', '--frob');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--frob'");
    expect(flag.stderr).toContain('attention-lab datasets list --help');
  });

  it('exits 2 for a missing positional or a non-numeric number', async () => {
    expect((await inProcess('datasets', 'show')).stderr).toContain('needs NAME|ID');
    const bad = await inProcess('datasets', 'split', 'x', '--train', 'most', '--validation', '0', '--test', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('The option --train expects a number, got "most".');
  });

  it('lists experiments and reports with --list, the commands error messages name (issue 14)', async () => {
    for (const [args, empty] of [[['compare'], 'No experiments yet'], [['seq2seq-compare'], 'No seq2seq experiments yet'], [['report'], 'No stored reports']] as const) {
      const listed = await inProcess(...args, '--list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain(empty);
      expect(JSON.parse((await inProcess('--json', ...args, '--list')).stdout)).toEqual([]);
    }
  });
});

describe('datasets and tokenizers through the real executable', () => {
  it('imports a small file, one document per paragraph, and reports it as JSON', async () => {
    const result = json<{ dataset: DatasetJson; encoding: string }>(await cli('datasets', 'import', poems, '--name', 'poems', '--mode', 'paragraphs', '--json'));
    expect(result.dataset.name).toBe('poems');
    expect(result.dataset.stats.documents).toBe(POEMS.length);
    expect(result.encoding).toBe('utf-8');
  });

  it('lists and shows it by name or id', async () => {
    const list = json<DatasetJson[]>(await cli('datasets', 'list', '--json'));
    expect(list.map((d) => d.name)).toEqual(['poems']);
    const byId = await cli('datasets', 'show', String(list[0].id), '--documents', '2');
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain('"poems"');
    expect(byId.stdout).toContain('4 documents');
    expect(byId.stdout).toContain('The quick brown fox');
  });

  it('splits it deterministically', async () => {
    const split = json<{ counts: { train: number; validation: number; test: number }; seed: number }>(
      await cli('datasets', 'split', 'poems', '--train', '0.5', '--validation', '0.25', '--test', '0.25', '--seed', '7', '--json'));
    expect(split.seed).toBe(7);
    expect(split.counts).toEqual({ train: 2, validation: 1, test: 1 });
  });

  it('trains a character tokenizer and encodes with it', async () => {
    const tok = json<{ name: string; kind: string }>(await cli('tokenizers', 'train', '--dataset', 'poems', '--kind', 'char', '--vocab-size', '200', '--json'));
    expect(tok).toMatchObject({ name: 'poems-char-200', kind: 'char' });
    // A character tokenizer knows exactly the characters of the train split: the rest must come back unknown.
    const shown = json<{ documents: { items: { text: string; split: string | null }[] } }>(await cli('datasets', 'show', 'poems', '--documents', '10', '--json'));
    const trainChars = new Set(shown.documents.items.filter((d) => d.split === 'train').flatMap((d) => [...d.text]));
    const text = 'to be 月光';
    const encoded = json<{ tokens: { token: string; start: number; end: number; unknown: boolean }[] }>(
      await cli('tokenizers', 'encode', 'poems-char-200', '--text', text, '--json'));
    const pieces = encoded.tokens.map((t) => text.slice(t.start, t.end));
    expect(pieces.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    expect(encoded.tokens.filter((t) => t.unknown).map((t) => text.slice(t.start, t.end))).toEqual(pieces.filter((p) => !trainChars.has(p)));
    const human = await cli('tokenizers', 'list');
    expect(human.stdout).toContain('poems-char-200');
  });

  it('refuses with exit 1, one sentence on stderr and nothing on stdout', async () => {
    const missing = await cli('datasets', 'show', 'sonnets', '--json');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim()).toBe('There is no dataset called "sonnets"; see `attention-lab datasets list` for the datasets there are.');
    const invalid = await cli('tokenizers', 'train', '--dataset', 'poems', '--kind', 'unigram', '--vocab-size', '100');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('Field "kind": expected one of "char", "bpe", "wordpiece", received "unigram".');
  });

  it('exports the dataset as JSON Lines into the lab\'s exports folder', async () => {
    const result = json<{ path: string; documents: number }>(await cli('datasets', 'export', 'poems', '--json'));
    expect(result.documents).toBe(POEMS.length);
    expect(result.path.startsWith(join(home, 'exports'))).toBe(true);
    const texts = readFileSync(result.path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text);
    expect(texts.sort()).toEqual([...POEMS].sort());
  });

  it('never overwrites an export silently: a second default export gets a free name, an existing --out needs --force', async () => {
    const again = json<{ path: string }>(await cli('datasets', 'export', 'poems', '--json'));
    expect(again.path).toBe(join(home, 'exports', 'poems (2).jsonl'));
    const refused = await cli('datasets', 'export', 'poems', '--out', again.path);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${again.path} already exists; add --force to replace it`);
    const forced = json<{ path: string }>(await cli('datasets', 'export', 'poems', '--out', again.path, '--force', '--json'));
    expect(forced.path).toBe(again.path);
  });

  it('asks for --yes before deleting', async () => {
    const refused = await cli('datasets', 'delete', 'poems');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('add --yes to confirm');
    expect(json<DatasetJson[]>(await cli('datasets', 'list', '--json'))).toHaveLength(1);
  });

  it.skipIf(!existsSync(SHAKESPEARE))('imports tiny Shakespeare with its exact character count', async () => {
    const expected = [...readFileSync(SHAKESPEARE, 'utf8')].length;
    const result = json<{ dataset: DatasetJson }>(await cli('datasets', 'import', SHAKESPEARE, '--name', 'shakespeare', '--json'));
    expect(result.dataset.stats.characters).toBe(expected);
    expect(result.dataset.stats.characters).toBe(1_115_394);
  });

  it('serves browser mode until interrupted, printing the address as JSON; --open hands the browser a one-time code, never the token', async () => {
    // a stand-in for the desktop's xdg-open that records the command line it was given (what `ps` would show)
    const bin = mkdtempSync(join(tmpdir(), 'lab-open-'));
    const argvFile = join(bin, 'argv.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > ${JSON.stringify(argvFile)}\n`, { mode: 0o755 });
    const env = { ...process.env, LANG: 'en_US.UTF-8', PATH: `${bin}:${process.env.PATH ?? ''}` };
    const child = spawn(process.execPath, [BIN, '--home', home, 'serve', '--json', '--open'], { env });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.trimEnd().endsWith('}')) resolve();
    }));
    const served = JSON.parse(stdout) as { url: string; port: number; token: string };
    expect(served.url).toBe(`http://127.0.0.1:${served.port}/?token=${served.token}`);
    const res = await fetch(`http://127.0.0.1:${served.port}/api/call`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-lab-token': served.token }, body: JSON.stringify({ channel: 'app.info', input: {} }),
    });
    expect(((await res.json()) as { result: { mode: string; home: string } }).result).toMatchObject({ mode: 'browser', home });
    while (!existsSync(argvFile) || readFileSync(argvFile, 'utf8') === '') await new Promise((r) => setTimeout(r, 20));
    const opened = readFileSync(argvFile, 'utf8').trim();
    expect(opened).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${served.port}/\\?code=[A-Za-z0-9_-]{24}$`));
    expect(opened).not.toContain(served.token);
    const session = (): Promise<Response> => fetch(`${opened.replace('/?code=', '/api/session?code=')}`, { method: 'POST' });
    const traded = await session();
    expect([traded.status, await traded.json()]).toEqual([200, { token: served.token }]);
    const again = await session();
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { message: string } }).error.message).toContain('already used or has expired');
    rmSync(bin, { recursive: true, force: true });
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(0);
    expect(stderr).toContain('Stopped serving Attention Lab.');
  });

  it('reports the lab it runs on', async () => {
    const info = json<{ mode: string; home: string; databasePath: string; settings: { language: string } }>(await cli('info', '--json'));
    expect(info).toMatchObject({ mode: 'cli', home, databasePath: join(home, 'lab.sqlite'), settings: { language: 'en' } });
  });
});
