// The mean-of-Word2Vec-vectors baseline (issue 18): its features are the mean of a text's known word vectors (zeros
// when it has none), and through the fine-tuning service it trains Word2Vec on the task's train split, fits the
// logistic regression on the drawn labels and is recorded as a baseline run beside TF-IDF + LR.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetT, RunDetailT } from '../../common/api';
import { createLab, type Lab } from '../../main/lab/index';
import { meanVectorRows } from '../../main/jobs/finetune/w2v-features';
import { WordVectors } from '../../main/ml/embeddings/store';
import { Rng } from '../../main/ml/rng';

let home: string;
let lab: Lab;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-w2v-'));
  lab = createLab({ home, mode: 'cli' });
  // two topics that share no word: sentences drawn from one vocabulary each
  const topics = { sea: ['boat', 'wave', 'salt', 'fish', 'tide', 'sail', 'shore', 'net'], farm: ['cow', 'barn', 'hay', 'field', 'plough', 'wheat', 'goat', 'mud'] };
  const rng = new Rng(7);
  const lines = ['text,label'];
  for (let i = 0; i < 160; i++) {
    const label = i % 2 === 0 ? 'sea' : 'farm';
    const words = Array.from({ length: 12 }, () => topics[label][rng.int(8)]);
    lines.push(`${words.join(' ')},${label}`);
  }
  const file = join(home, 'topics.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const out = (await lab.call('datasets.import', { path: file, name: 'topics', labelColumn: 'label' })) as { dataset: DatasetT };
  await lab.call('datasets.split', { id: out.dataset.id, train: 0.7, validation: 0.1, test: 0.2, seed: 42, stratify: true });
});

afterAll(() => {
  lab?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the mean-of-Word2Vec-vectors baseline', () => {
  it('averages the vectors of the known words of a text, zeros for a text with none', () => {
    const wv = new WordVectors('word2vec', ['a', 'b'], [2, 2], 2, Float32Array.from([1, 2, 3, 6]));
    const { rows, empty } = meanVectorRows(wv, ['a b a', 'zzz', 'b\nq']);
    expect(rows).toMatchObject({ rows: 3, cols: 2 });
    expect(Array.from(rows.indptr)).toEqual([0, 2, 4, 6]);
    expect(Array.from(rows.indices)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(Array.from(rows.values)).toEqual([5 / 3, 10 / 3, 0, 0, 3, 6]);
    expect(empty).toBe(1);
  });

  it('trains Word2Vec on the train split and classifies as a recorded baseline run', async () => {
    const logs: string[] = [];
    const report = await lab.finetune.baseline({ dataset: 'topics', method: 'w2v-logreg', analyzer: 'word', labelsPerClass: 4, C: 1, classWeights: 'none', seed: 1 }, (l) => logs.push(l));
    expect(report.evaluatedOn).toBe('test');
    // topics that share no word: their mean vectors separate with 4 labels per class
    expect(report.macroF1).toBeGreaterThan(0.8);
    const run = (await lab.call('runs.get', { id: report.runId, samples: 0 })) as RunDetailT;
    expect(run).toMatchObject({ family: 'baseline', name: 'topics-w2v-logreg-4', status: 'completed' });
    expect(run.config).toMatchObject({ method: 'w2v-logreg', word2vec: { method: 'word2vec', dim: 50 }, labelsPerClass: 4 });
    expect(logs.some((l) => /^Mean of Word2Vec vectors \(50 dimensions, 16 words from 112 train texts\) \+ logistic regression: macro-F1/.test(l))).toBe(true);
    const rows = await lab.call('finetune.list', {}) as Array<{ run: { id: number }; macroF1: number | null }>;
    expect(rows.find((r) => r.run.id === report.runId)?.macroF1).toBe(report.macroF1);
  }, 60_000);
});
