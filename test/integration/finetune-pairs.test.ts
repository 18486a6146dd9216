// Sentence-pair tasks end to end on a real lab home: a CSV with two text columns and a label is imported with its
// second text column (a row without one is named and left out), the labelled splits carry each example's second text,
// and a BERT fine-tune reads every example as [CLS] a [SEP] b [SEP] (its token count is both texts') and completes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetT, RunDetailT } from '../../common/api';
import type { FinetuneReportT } from '../../common/api/finetune';
import { createLab, type Lab } from '../../main/lab/index';
import { readLabelledSplits } from '../../main/lab/finetune/labelled-data';
import { trainRun } from '../../main/lab/runs/training';

const NAMES = ['anna', 'bob', 'carl', 'dora', 'emma', 'fred', 'gina', 'hugo', 'ida', 'jack', 'kate', 'liam'];

let home: string;
let lab: Lab;
let file: string;
/** [first, second, label] of every row that has both texts, in file order */
const pairs: Array<[string, string, string]> = [];

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lab-pairs-'));
  lab = createLab({ home, mode: 'cli' });
  // the label says whether the first name comes before the second alphabetically: only the pair decides it
  const lines = ['first,second,label'];
  for (let i = 0; i < 60; i++) {
    const a = NAMES[i % 12];
    const b = NAMES[(i * 5 + 3) % 12];
    if (a === b) continue;
    pairs.push([a, b, a < b ? 'before' : 'after']);
    lines.push(`${a},${b},${a < b ? 'before' : 'after'}`);
  }
  lines.splice(5, 0, 'emma,,before');
  file = join(home, 'name-pairs.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
});

afterAll(() => {
  lab?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('sentence-pair tasks', () => {
  it('imports the second text column, naming a row without it', async () => {
    const out = (await lab.call('datasets.import', { path: file, name: 'name-pairs', textColumn: 'first', secondTextColumn: 'second', labelColumn: 'label' })) as
      { dataset: DatasetT; skipped: Array<{ line: number; message: string }>; skippedCount: number };
    expect(out.dataset.stats.documents).toBe(pairs.length);
    expect(out.skippedCount).toBe(1);
    expect(out.skipped[0].message).toBe('Line 6 of name-pairs.csv has no second text in column "second", so the pair was left out; fill it in (or delete the row) and import the file again to keep it.');
    await expect(lab.call('datasets.import', { path: file, name: 'again', textColumn: 'first', secondTextColumn: 'first', allowDuplicate: true }))
      .rejects.toThrow('Column "first" of name-pairs.csv is already the text column; choose a different column for the second text of each pair.');
    // JSONL names its second field the same way; a line without it is named, not counted as invalid JSON
    const jsonl = join(home, 'qa.jsonl');
    writeFileSync(jsonl, '{"q": "who", "a": "anna", "label": "x"}\n{"q": "why", "label": "y"}\n{"q": "how", "a": "bob", "label": "y"}\n');
    const qa = (await lab.call('datasets.import', { path: jsonl, name: 'qa', secondTextField: 'a', textField: 'q' })) as { dataset: DatasetT; skipped: Array<{ message: string }> };
    expect(qa.dataset.stats.documents).toBe(2);
    expect(qa.skipped.map((s) => s.message)).toEqual(['Line 2 of qa.jsonl has nothing in "a" (the second text of each pair), so the pair was left out; fill it in and import the file again to keep it.']);
    await lab.call('datasets.split', { id: out.dataset.id, train: 0.7, validation: 0.15, test: 0.15, seed: 42, stratify: true });
    const data = readLabelledSplits(lab.training.ctx.store.datasets, await lab.call('datasets.get', { id: out.dataset.id }) as DatasetT, { seed: 1 }, () => {});
    const all = (['train', 'validation', 'test'] as const).flatMap((s) => data[s].texts.map((t, i) => [t, data[s].textsB[i]]));
    expect(all).toHaveLength(pairs.length);
    // every example keeps its own second text
    for (const [a, b] of all) expect(pairs.some(([x, y]) => x === a && y === b)).toBe(true);
  });

  it('the document browser and the JSONL export keep each pair\'s second text', async () => {
    const ds = ((await lab.call('datasets.list', {})) as DatasetT[]).find((d) => d.name === 'name-pairs') as DatasetT;
    const page = (await lab.call('datasets.documents', { id: ds.id, offset: 0, limit: 3 })) as { total: number; items: Array<{ text: string; textB: string | null }> };
    expect(page.items.map((d) => [d.text, d.textB])).toEqual(pairs.slice(0, 3).map(([a, b]) => [a, b]));
    // a search matches the second text too: "hugo" as a second name only
    const [a, b] = pairs.find(([x, y]) => y === 'hugo' && x !== 'hugo') as [string, string, string];
    const found = (await lab.call('datasets.documents', { id: ds.id, offset: 0, limit: 50, search: 'hugo' })) as { items: Array<{ text: string; textB: string | null }> };
    expect(found.items.some((d) => d.text === a && d.textB === b)).toBe(true);
    const out = (await lab.call('datasets.export', { id: ds.id })) as { path: string };
    const first = JSON.parse(readFileSync(out.path, 'utf8').split('\n')[0]) as { text: string; text_b: string };
    expect([first.text, first.text_b]).toEqual(pairs[0].slice(0, 2));
  });

  it('a BERT fine-tune reads both texts of each pair and completes', async () => {
    const parent = await trainRun(lab.training, { dataset: 'name-pairs', family: 'bert', preset: 'tiny', steps: 4, batchSize: 4, threads: 1, evalEvery: 4, lrSweep: false, name: 'pairs-bert' });
    expect(parent.status).toBe('completed');
    const out = await lab.finetune.run({
      from: parent.runId, dataset: 'name-pairs', epochs: 1, batchSize: 8, threads: 1, seed: 3, scratch: false, freeze: false,
      warmupRatio: 0.1, patience: 3, classWeights: 'none', minSteps: 0,
    }, {});
    expect(out.status).toBe('completed');
    const run = (await lab.call('runs.get', { id: out.runId, samples: 0 })) as RunDetailT;
    // the char tokenizer gives one token a letter: the fine-tune encoded both names of every pair
    const letters = pairs.reduce((n, [a, b]) => n + a.length + b.length, 0);
    expect((run.config as { unknownTokens: { tokens: number } }).unknownTokens.tokens).toBe(letters);
    const report = (await lab.call('finetune.report', { runId: out.runId })) as FinetuneReportT;
    // the misclassified-examples browser shows a pair as its two texts on two lines
    for (const m of report.misclassified) expect(m.text).toMatch(/^[a-z]+\n[a-z]+$/);
  }, 120_000);
});
