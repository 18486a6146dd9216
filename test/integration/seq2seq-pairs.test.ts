// The seq2seq experiment on a person's own pair file, through the service and the CLI on a real lab home: the file is
// read and checked at creation, its pairs kept under the home (the original may go), split 80/10/10 and trained on by
// every arm in workers; held-out examples and the alignment view come from the file's pairs; a bad file records nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Seq2seqAlignmentT, Seq2seqExperimentT } from '../../common/api/seq2seq';
import { generatePairs } from '../../main/data/pairs/tasks';
import type { Lab } from '../../main/lab/index';
import { closeTempLab, openTempLab } from './temp-lab';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
const SIZES = { hidden: 24, embed: 24, attentionSize: 24 };
let home: string;
let dir: string;
let lab: Lab;
let created: Seq2seqExperimentT;
/** word-reversal pairs written by hand as a person's file would be: a header, a comment column, one repeat */
const pairs = generatePairs({ task: 'reverse', pairs: 300, minLength: 2, maxLength: 8, symbols: 6, seed: 11 }).pairs;

beforeAll(async () => {
  ({ home, dir, lab } = openTempLab('seq2seq-pairs'));
  const rows = pairs.map((p, i) => `${p.source}\t${p.target}\tpair ${i}`);
  writeFileSync(join(dir, 'reverse.tsv'), ['source\ttarget\tnote', ...rows, `${pairs[0].source}\t${pairs[0].target}\tagain`].join('\n'));
  created = (await lab.call('seq2seq.create', {
    pairsFile: { path: join(dir, 'reverse.tsv'), seed: 3 }, variants: ['none', 'dot'], sizes: SIZES, buckets: 2, snapshots: 2,
    budget: { steps: 60, batchSize: 16, lr: 1e-2, evalEvery: 30 },
  })) as Seq2seqExperimentT;
  await lab.jobs.scheduler.idle();
}, 240_000);

afterAll(() => closeTempLab({ home, dir, lab }));

const get = async (): Promise<Seq2seqExperimentT> => (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;

describe('seq2seq experiment on a pair file', () => {
  it('splits the file\'s pairs, trains every arm on them and measures on the held-out ones', async () => {
    expect(created.pairsFile).toMatchObject({ name: 'reverse.tsv', format: 'tsv', encoding: 'utf-8', pairs: 300, duplicates: 1, skipped: 0 });
    expect(created.data.train + created.data.validation + created.data.test).toBe(300);
    expect(created.data.test).toBe(30);
    // words on both sides: six symbols plus the specials, not characters
    expect(created.data.sourceVocab).toBeLessThan(12);
    expect(created.name).toMatch(/^reverse\.tsv: none, dot/);
    const e = await get();
    expect(e.status).toBe('completed');
    for (const arm of e.arms) expect(arm.seeds[0].overall?.pairs, arm.variant).toBe(30);
    const list = (await lab.call('seq2seq.list', {})) as { id: number; pairsFile: string | null }[];
    expect(list.find((x) => x.id === created.id)?.pairsFile).toBe('reverse.tsv');
  });

  it('offers held-out pairs of the file in the alignment view, even after the file is gone', async () => {
    rmSync(join(dir, 'reverse.tsv'));
    const e = await get();
    const byText = new Set(pairs.map((p) => `${p.source}|${p.target}`));
    expect(e.examples.length).toBe(8);
    for (const x of e.examples) expect(byText.has(`${x.source}|${x.target}`)).toBe(true);
    const runId = e.arms.find((a) => a.variant === 'dot')?.seeds[0].runId as number;
    const [view] = (await lab.call('seq2seq.alignment', { runIds: [runId], source: e.examples[7].source })) as Seq2seqAlignmentT[];
    expect(view.frames.length).toBe(2);
    const f = view.frames[1];
    expect(f.sourceTokens.slice(0, e.examples[7].source.split(' ').length)).toEqual(e.examples[7].source.split(' '));
    const S = f.sourceTokens.length;
    for (let t = 0; t < f.targetTokens.length; t++) {
      const row = f.weights.slice(t * S, (t + 1) * S).reduce((a, b) => a + b, 0);
      expect(row).toBeCloseTo(1, 4);
    }
  });

  it('refuses a bad file before recording anything, naming the file and line', async () => {
    writeFileSync(join(dir, 'gaps.csv'), 'source,target\na b,b a\nc d,\n');
    const before = ((await lab.call('runs.list', {})) as unknown[]).length;
    await expect(lab.call('seq2seq.create', { pairsFile: { path: join(dir, 'gaps.csv') }, variants: ['dot'] }))
      .rejects.toThrow('gaps.csv has 1 invalid line (line 3). Line 3 of gaps.csv has an empty target: fill it in or remove the line.');
    await expect(lab.call('seq2seq.create', { pairsFile: { path: join(dir, 'missing.jsonl') }, variants: ['dot'] })).rejects.toThrow(/missing\.jsonl does not exist/);
    expect(((await lab.call('runs.list', {})) as unknown[]).length).toBe(before);
  });

  it('`seq2seq-compare --pairs-file` trains on a JSONL file; a bad one exits with the sentence', () => {
    const jsonl = join(dir, 'dates.jsonl');
    const dates = generatePairs({ task: 'dates', pairs: 120, minLength: 10, maxLength: 20, language: 'en', seed: 2 }).pairs;
    writeFileSync(jsonl, dates.map((p) => JSON.stringify({ input: p.source, output: p.target })).join('\n'));
    const out = spawnSync(process.execPath, [BIN, '--home', home, 'seq2seq-compare', '--pairs-file', jsonl, '--source-tokens', 'chars', '--target-tokens', 'chars',
      '--variants', 'dot', '--steps', '10', '--hidden', '16', '--buckets', '2', '--json'], { encoding: 'utf8', timeout: 180_000 });
    expect(out.status, out.stderr).toBe(0);
    const e = JSON.parse(out.stdout) as Seq2seqExperimentT;
    expect(e.pairsFile?.name).toBe('dates.jsonl');
    expect(e.data.test).toBe(12);
    expect(e.arms[0].seeds[0].overall?.pairs).toBe(12);
    expect(existsSync(jsonl)).toBe(true); // a file the person named is never removed, only browser uploads
    writeFileSync(jsonl, `${readFileSync(jsonl, 'utf8')}\n{"input": "x", "output": }\n`);
    const bad = spawnSync(process.execPath, [BIN, '--home', home, 'seq2seq-compare', '--pairs-file', jsonl, '--variants', 'dot'], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/dates\.jsonl has 1 invalid line \(line 121\)\. Line 121 of dates\.jsonl is not valid JSON/);
    const both = spawnSync(process.execPath, [BIN, '--home', home, 'seq2seq-compare', '--pairs-file', jsonl, '--task', 'copy'], { encoding: 'utf8', timeout: 60_000 });
    expect(both.stderr).toMatch(/either --task .* or --pairs-file/);
  }, 200_000);
});
