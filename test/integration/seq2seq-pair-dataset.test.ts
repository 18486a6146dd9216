// The seq2seq experiment on a sentence-pair dataset of the dataset manager (seq2seq.create pairsDataset, CLI
// --pairs-dataset) on a real lab home: a JSONL of word-reversal pairs imported with --second-text-field, text = source,
// second text = target; the dataset had no split, so one with a test share is made and the record says so; the arms
// train on exactly the dataset's train documents and are measured on its test documents (ids checked against
// datasets.documents); a side cut by a lab tokenizer; documents without a second text left out and counted. Refused,
// recording nothing: a dataset without pairs (naming it and the import flag), a split with no test documents, a file and
// a dataset together.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetT, DocumentRowT } from '../../common/api';
import type { Seq2seqExperimentT } from '../../common/api/seq2seq';
import { generatePairs } from '../../main/data/pairs/tasks';
import { pairsDatasetLines, seq2seqRequest } from '../../main/cli/commands/seq2seq-compare';
import type { KeptDatasetPairs } from '../../main/lab/seq2seq/pair-dataset';
import type { Lab } from '../../main/lab/index';
import { closeTempLab, openTempLab } from './temp-lab';

let home: string;
let dir: string;
let lab: Lab;
let dataset: DatasetT;
let created: Seq2seqExperimentT;
let kept: KeptDatasetPairs;
/** documents whose second text is cleared after the import (as an edit of the lab file outside the app would leave them) */
const CLEARED = 3;
const pairs = generatePairs({ task: 'reverse', pairs: 160, minLength: 2, maxLength: 7, symbols: 6, seed: 5 }).pairs;

const docs = async (split?: 'train' | 'validation' | 'test'): Promise<DocumentRowT[]> =>
  ((await lab.call('datasets.documents', { id: dataset.id, limit: 500, offset: 0, ...(split ? { split } : {}) })) as { items: DocumentRowT[] }).items;
const runCount = async (): Promise<number> => ((await lab.call('runs.list', {})) as unknown[]).length;

beforeAll(async () => {
  ({ home, dir, lab } = openTempLab('seq2seq-pairds'));
  writeFileSync(join(dir, 'reverse.jsonl'), pairs.map((p) => JSON.stringify({ src: p.source, tgt: p.target })).join('\n'));
  // the source side is cut by a char tokenizer of the lab, trained on a text dataset of the same symbols
  writeFileSync(join(dir, 'symbols.txt'), pairs.slice(0, 40).map((p) => p.source).join('\n\n'));
  const text = (await lab.call('datasets.import', { path: join(dir, 'symbols.txt'), name: 'symbols', mode: 'paragraphs' })) as { dataset: DatasetT };
  await lab.call('tokenizers.train', { datasetId: text.dataset.id, name: 'symbols-char', kind: 'char', vocabSize: 40, lowercase: false });
  ({ dataset } = (await lab.call('datasets.import', { path: join(dir, 'reverse.jsonl'), name: 'rev-pairs', textField: 'src', secondTextField: 'tgt' })) as { dataset: DatasetT });
  lab.ctx.db.prepare('UPDATE documents SET text_b = NULL WHERE dataset_id = ? AND idx < ?').run(dataset.id, CLEARED);
  created = (await lab.call('seq2seq.create', {
    pairsDataset: { dataset: 'rev-pairs', sourceTokenizer: 'symbols-char', targetTokens: 'chars' }, variants: ['dot'],
    sizes: { hidden: 16, embed: 16, attentionSize: 16 }, buckets: 2, snapshots: 1, budget: { steps: 12, batchSize: 16, evalEvery: 12 },
  })) as Seq2seqExperimentT;
  const stored = JSON.parse(lab.ctx.store.seq2seq.byId(created.id)?.budget_json ?? '{}') as { pairsDataset: { copy: string } };
  kept = JSON.parse(readFileSync(join(home, stored.pairsDataset.copy), 'utf8')) as KeptDatasetPairs;
  await lab.jobs.scheduler.idle();
}, 240_000);

afterAll(() => closeTempLab({ home, dir, lab }));

describe('seq2seq experiment on a pair dataset', () => {
  it('makes a split with a test share for a dataset with none, and says so', async () => {
    expect(dataset.pairs).toBe(pairs.length);
    const now = (await lab.call('datasets.get', { id: dataset.id })) as DatasetT;
    expect(now.split).toMatchObject({ seed: 42, ratios: { train: 0.8, validation: 0.1, test: 0.1 } });
    expect(now.pairs).toBe(pairs.length - CLEARED);
    const info = created.pairsDataset;
    expect(info).toMatchObject({ id: dataset.id, name: 'rev-pairs', sha256: dataset.sha256, madeSplit: true, noSecondText: CLEARED });
    expect(info?.split).toEqual({ seed: 42, ratios: { train: 0.8, validation: 0.1, test: 0.1 }, stratified: false, createdAt: now.split?.createdAt });
    expect(pairsDatasetLines(info as NonNullable<typeof info>)[0]).toMatch(/^Pairs from dataset "rev-pairs" \(id \d+\): \d+ train, \d+ validation, \d+ test pairs of a split made for this experiment \(the dataset had none\) \(made .* UTC; train 0\.8, validation 0\.1, test 0\.1, seed 42\)\.$/);
    expect(created.pairsFile).toBeNull();
    const list = (await lab.call('seq2seq.list', {})) as { id: number; pairsDataset: string | null }[];
    expect(list.find((x) => x.id === created.id)?.pairsDataset).toBe('rev-pairs');
  });

  it('trains on the dataset\'s train documents and measures on its test documents (text -> second text)', async () => {
    for (const part of ['train', 'validation', 'test'] as const) {
      const want = (await docs(part)).filter((d) => d.textB !== null);
      expect(kept.ids[part], part).toEqual(want.map((d) => d.id));
      expect(kept.splits[part], part).toEqual(want.map((d) => ({ source: d.text, target: d.textB })));
      expect(created.pairsDataset?.pairs[part], part).toBe(want.length);
    }
    expect(created.data).toMatchObject({ train: kept.ids.train.length, validation: kept.ids.validation.length, test: kept.ids.test.length });
    // source: the tokenizer's pieces seen in training (characters here, spaces included); target: characters
    expect(created.pairsDataset?.sourceTokenizer).toMatchObject({ name: 'symbols-char', kind: 'char', unknown: 0 });
    expect(created.data.sourceVocab).toBe(4 + new Set(kept.splits.train.flatMap((p) => Array.from(p.source))).size);
    expect(created.data.targetVocab).toBe(4 + new Set(kept.splits.train.flatMap((p) => Array.from(p.target))).size);
    const e = (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;
    expect(e.status).toBe('completed');
    expect(e.arms[0].seeds[0].overall?.pairs).toBe(kept.ids.test.length);
    for (const x of e.examples) expect(kept.splits.test).toContainEqual(x);
    const run = (await lab.call('runs.get', { id: e.arms[0].seeds[0].runId })) as { datasetId: number | null };
    expect(run.datasetId).toBe(dataset.id);
  });

  it('refuses a dataset without pairs, a split without test documents, and a file with a dataset, recording nothing', async () => {
    const before = await runCount();
    await expect(lab.call('seq2seq.create', { pairsDataset: { dataset: 'symbols' }, variants: ['dot'] })).rejects.toThrow(
      'Dataset "symbols" has no sentence pairs (none of its 40 documents has a second text), so it gives the experiment no targets. ' +
      'Import the pairs with their second text: `attention-lab datasets import FILE --name NAME --text-column SOURCE --second-text-column TARGET` ' +
      '(JSONL: --text-field / --second-text-field), or in the import dialog choose the second text column; or give the experiment a pair file instead of "symbols".');
    await expect(lab.call('seq2seq.create', { pairsDataset: { dataset: 'nope' }, variants: ['dot'] })).rejects.toThrow('There is no dataset called "nope"; the datasets are');
    await expect(lab.call('seq2seq.create', { pairsDataset: { dataset: 'rev-pairs', targetTokenizer: 'nope' }, variants: ['dot'] }))
      .rejects.toThrow('There is no tokenizer called "nope" to cut the target side of dataset "rev-pairs"; the lab has: symbols-char (char).');
    await expect(lab.call('seq2seq.create', { pairsDataset: { dataset: 'rev-pairs' }, pairsFile: { path: join(dir, 'reverse.jsonl') }, variants: ['dot'] }))
      .rejects.toThrow('Give either a pair file (reverse.jsonl) or a pair dataset ("rev-pairs"), not both.');
    // the split training makes by default has no test share
    await lab.call('datasets.split', { id: dataset.id, train: 0.9, validation: 0.1, test: 0, seed: 42, stratify: true });
    await expect(lab.call('seq2seq.create', { pairsDataset: { dataset: String(dataset.id) }, variants: ['dot'] })).rejects.toThrow(
      'The split of dataset "rev-pairs" (train 0.9, validation 0.1, test 0, seed 42) has no test pairs, so nothing would be measured on held-out data; ' +
      'split it again with a share for it — on the dataset\'s page, or `attention-lab datasets split "rev-pairs" --train 0.8 --validation 0.1 --test 0.1`.');
    expect(await runCount()).toBe(before);
    // the experiment keeps its own pairs: its held-out examples are the documents of the split it used
    const e = (await lab.call('seq2seq.get', { id: created.id })) as Seq2seqExperimentT;
    for (const x of e.examples) expect(kept.splits.test).toContainEqual(x);
  });

  it('`seq2seq-compare --pairs-dataset` sends the dataset and its sides; with --pairs-file or a file flag it is refused', () => {
    expect(seq2seqRequest({ 'pairs-dataset': 'rev-pairs', 'source-tokenizer': 'symbols-char', 'target-tokens': 'chars' }).pairsDataset)
      .toEqual({ dataset: 'rev-pairs', sourceTokenizer: 'symbols-char', targetTokens: 'chars', sourceTokens: undefined, targetTokenizer: undefined });
    expect(() => seq2seqRequest({ 'pairs-dataset': 'rev-pairs', 'pairs-file': 'x.tsv' }))
      .toThrow('Give either --pairs-file (a TSV, CSV or JSONL file) or --pairs-dataset (a sentence-pair dataset of the lab), not both.');
    expect(() => seq2seqRequest({ 'pairs-dataset': 'rev-pairs', 'source-column': 'src' })).toThrow('--source-column reads a pair file; a pair dataset was read when it was imported');
  });
});
