// embeddings.export writes the way every lab export writes (issue 14 §4): an existing file is refused unless asked
// (`force`, CLI `--force`) with a sentence naming it, nothing is touched by a refusal, relative and omitted paths land in
// the lab's exports/ folder, and no temporary file stays behind. Vectors imported from a small text file: no training.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelOutput } from '../../common/api';
import { runCli } from '../../main/cli/index';
import { createLab, type Lab } from '../../main/lab/index';

let home: string;
let lab: Lab;
let runId: number;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-emb-export-'));
  writeFileSync(join(home, 'v.txt'), '3 2\nthe 0.1 0.2\ncat 0.3 0.1\ndog 0.2 0.5\n');
  lab = createLab({ home, mode: 'cli' });
  runId = (await lab.call('embeddings.import', { path: join(home, 'v.txt'), format: 'w2v-text' }) as { runId: number }).runId;
});

afterAll(() => {
  lab?.close();
  rmSync(home, { recursive: true, force: true });
});

type Out = ChannelOutput<'embeddings.export'>;
const exportVectors = async (input: Record<string, unknown>): Promise<Out> => await lab.call('embeddings.export', { runId, ...input }) as Out;

async function refusal(input: Record<string, unknown>): Promise<{ code: string; message: string }> {
  return await exportVectors(input).then(() => ({ code: 'none', message: 'it wrote' }), (e: { code: string; message: string }) => e);
}

describe('embeddings.export', () => {
  it('refuses to replace an existing file unless forced, in every format', async () => {
    for (const format of ['w2v-text', 'w2v-bin'] as const) {
      const out = join(home, `mine-${format}.vec`);
      writeFileSync(out, 'keep me');
      const e = await refusal({ format, out });
      expect(e.code).toBe('conflict');
      expect(e.message).toBe(`${out} already exists; add --force to replace it, or choose another path.`);
      expect(readFileSync(out, 'utf8')).toBe('keep me');
      expect((await exportVectors({ format, out, force: true })).files).toEqual([out]);
      expect(readFileSync(out, 'utf8')).not.toBe('keep me');
    }
    // projector: a folder that already holds the pair is refused naming the first file; other files in it are fine
    const dir = join(home, 'proj');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.md'), 'mine');
    const first = await exportVectors({ format: 'projector', out: dir });
    expect(first.files).toEqual([join(dir, 'vectors.tsv'), join(dir, 'metadata.tsv')]);
    const e = await refusal({ format: 'projector', out: dir });
    expect(e.message).toBe(`${join(dir, 'vectors.tsv')} already exists; add --force to replace it, or choose another path.`);
    expect((await exportVectors({ format: 'projector', out: dir, force: true })).files).toEqual(first.files);
    expect(readdirSync(dir).sort()).toEqual(['metadata.tsv', 'notes.md', 'vectors.tsv']);
    expect(readFileSync(join(dir, 'metadata.tsv'), 'utf8')).toBe('word\tcount\nthe\t0\ncat\t0\ndog\t0\n');
  });

  it('puts relative and omitted paths in the lab\'s exports folder, never over a file there', async () => {
    const a = await exportVectors({ format: 'w2v-text' });
    const b = await exportVectors({ format: 'w2v-text' });
    expect([a.files[0], b.files[0]]).toEqual([join(home, 'exports', `run-${runId}-final.txt`), join(home, 'exports', `run-${runId}-final (2).txt`)]);
    const rel = await exportVectors({ format: 'w2v-bin', out: 'sub.bin' });
    expect(rel.files).toEqual([join(home, 'exports', 'sub.bin')]);
    expect((await exportVectors({ format: 'projector' })).files[0]).toBe(join(home, 'exports', `run-${runId}-final-projector`, 'vectors.tsv'));
    expect(readdirSync(join(home, 'exports')).filter((f) => f.includes('.tmp') || f.includes('partial'))).toEqual([]);
  });

  it('CLI: --force replaces, without it the command fails and says --force', async () => {
    const cli = async (...args: string[]): Promise<{ code: number; stderr: string }> => {
      let stderr = '';
      const code = await runCli(['--home', home, ...args], { stdout: () => {}, stderr: (x) => { stderr += x; }, env: { LANG: 'en_US.UTF-8' } });
      return { code, stderr };
    };
    const out = join(home, 'cli.txt');
    writeFileSync(out, 'keep me');
    const refused = await cli('embeddings', 'export', String(runId), '--format', 'w2v-text', '--out', out);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${out} already exists; add --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const forced = await cli('embeddings', 'export', String(runId), '--format', 'w2v-text', '--out', out, '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^3 2\nthe /);
  });
});
