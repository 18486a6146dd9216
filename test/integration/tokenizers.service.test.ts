// TokenizerService against a real SQLite store: train on a dataset's train split, list, vocab, encode, export, import, delete.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { Tokenizer } from 'tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName } from '../../common/api';
import { labContext, type LabContext } from '../../main/lab/app/context';
import { LabError } from '../../common/errors';
import { TokenizerService } from '../../main/lab/tokenizers/service';
import { openStore } from '../../main/store/db';
import { FIXTURE_LINES, trainingDocs } from '../unit/tokenizers/corpus';

let home: string;
let db: Database.Database;
let service: TokenizerService;
const emitted: { event: EventName; payload: Record<string, unknown> }[] = [];

function addDataset(name: string, docs: { text: string; split: 'train' | 'validation' | 'test' | null }[]): number {
  const id = Number(
    db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at)
                VALUES (?, ?, 'txt', 'utf-8', ?, '{}', '{}', 'ready', ?)`).run(name, `/data/${name}.txt`, `sha-${name}`, new Date().toISOString()).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO documents (dataset_id, idx, text, label, chars, split) VALUES (?, ?, ?, NULL, ?, ?)');
  db.transaction(() => docs.forEach((d, i) => insert.run(id, i, d.text, [...d.text].length, d.split)))();
  return id;
}

async function failure(p: Promise<unknown>): Promise<LabError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(LabError);
  return e as LabError;
}

let splitId: number;
let unsplitId: number;
const validation = FIXTURE_LINES;

beforeAll(() => {
  home = mkdtempSync(path.join(tmpdir(), 'lab-tok-'));
  db = openStore(path.join(home, 'lab.sqlite'));
  const ctx: LabContext = labContext(db, home, (event, payload) => { emitted.push({ event, payload: payload as Record<string, unknown> }); });
  service = new TokenizerService(ctx);
  const train = trainingDocs().slice(0, 800).map((text) => ({ text, split: 'train' as const }));
  splitId = addDataset('shakespeare', [...train, ...validation.map((text) => ({ text, split: 'validation' as const }))]);
  unsplitId = addDataset('raw', Array.from({ length: 10 }, (_, i) => ({ text: `no split here, line ${i}`, split: null })));
});

afterAll(() => {
  db.close();
  rmSync(home, { recursive: true, force: true });
});

describe('TokenizerService', () => {
  it('splits a dataset that has none with the default ratios and says so (as a training run does); refuses an empty train split with the CLI command', async () => {
    const made = await service.train({ datasetId: unsplitId, name: 'raw-char', kind: 'char', vocabSize: 30, lowercase: false });
    expect(made.note).toContain('Dataset "raw" had no split, so the default one was made (train 0.9, validation 0.1, test 0, seed 42)');
    expect(db.prepare('SELECT COUNT(*) FROM documents WHERE dataset_id = ? AND split IS NULL').pluck().get(unsplitId)).toBe(0);
    await service.delete({ id: made.id });
    const noTrain = addDataset('all-validation', [{ text: 'only validation', split: 'validation' }]);
    const empty = await failure(service.train({ datasetId: noTrain, name: 'x', kind: 'char', vocabSize: 30, lowercase: false }));
    expect(empty.message).toBe('Dataset "all-validation" has an empty train split: split it again with a train share above 0 (`attention-lab datasets split "all-validation" --train 0.9 --validation 0.1 --test 0`, or Split on the dataset\'s page).');
    db.prepare("UPDATE datasets SET status = 'importing' WHERE id = ?").run(noTrain);
    const busy = await failure(service.train({ datasetId: noTrain, name: 'x', kind: 'char', vocabSize: 30, lowercase: false }));
    expect(busy.code).toBe('conflict');
    expect(busy.message).toBe('Dataset "all-validation" is still importing: wait until it is ready, then train the tokenizer.');
    db.prepare('DELETE FROM datasets WHERE id = ?').run(noTrain);
    expect((await failure(service.train({ datasetId: noTrain, name: 'x', kind: 'char', vocabSize: 30, lowercase: false }))).code).toBe('not_found');
  });

  it('refuses a vocab size out of range before reading anything', async () => {
    const e = await failure(service.train({ datasetId: splitId, name: 'tiny', kind: 'bpe', vocabSize: 50, lowercase: false }));
    expect(e.field).toBe('vocabSize');
    expect(e.message).toContain('at least 263 (256 bytes + 7 special tokens)');
  });

  it('trains a byte-level BPE, scores it on validation, stores it and tells the front ends', async () => {
    emitted.length = 0;
    const t = await service.train({ datasetId: splitId, name: 'Shake BPE', kind: 'bpe', vocabSize: 600, lowercase: false, taskId: 'task-1' });
    expect(t).toMatchObject({ name: 'Shake BPE', kind: 'bpe', datasetId: splitId, vocabSize: 600, lowercase: false, unkRate: 0 });
    expect(t.specialTokens).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]', '[EOS]']);
    // the independent count: tokens of the validation lines over their characters (code points)
    const loaded = service.load(t.id);
    const tokens = validation.reduce((n, line) => n + loaded.encode(line).ids.length, 0);
    const chars = validation.reduce((n, line) => n + [...line].length, 0);
    expect(t.tokensPerChar).toBeCloseTo(tokens / chars, 12);
    expect(emitted.filter((e) => e.event === 'tokenizers.changed')).toEqual([{ event: 'tokenizers.changed', payload: { id: t.id } }]);
    const progress = emitted.filter((e) => e.event === 'task.progress').map((e) => e.payload);
    expect(progress.every((p) => p.taskId === 'task-1' && p.kind === 'tokenizers.train')).toBe(true);
    expect(progress[progress.length - 1]).toMatchObject({ phase: 'done', done: 1, total: 1 });
    expect(await service.get({ id: t.id })).toEqual(t);
  });

  it('clips a char-level tokenizer, returns the note, and counts [UNK] on validation', async () => {
    const t = await service.train({ datasetId: splitId, name: 'chars', kind: 'char', vocabSize: 40, lowercase: true });
    expect(t.vocabSize).toBe(40);
    expect(t.note).toMatch(/rare characters .* \[UNK\]/);
    expect(t.unkRate).toBeGreaterThan(0.05); // the Chinese lines are mostly outside the 33 commonest characters
    const enc = await service.encode({ id: t.id, text: 'Ab中' });
    expect(enc.tokens.map((x) => [x.start, x.end, x.unknown])).toEqual([[0, 1, false], [1, 2, false], [2, 3, true]]);
  });

  it('refuses a taken name, whatever its case', async () => {
    const e = await failure(service.train({ datasetId: splitId, name: 'shake bpe', kind: 'wordpiece', vocabSize: 300, lowercase: false }));
    expect(e.code).toBe('conflict');
    expect(e.message).toBe('A tokenizer named "Shake BPE" already exists: choose another name or delete that one first.');
  });

  it('lists by dataset and pages the vocabulary by id or frequency, with readable byte-level text', async () => {
    expect((await service.list({})).map((t) => t.name)).toEqual(['Shake BPE', 'chars']);
    expect(await service.list({ datasetId: unsplitId })).toEqual([]);
    const [bpe] = await service.list({ datasetId: splitId });
    const page = await service.vocab({ id: bpe.id, offset: 7, limit: 3, sort: 'id' });
    expect(page.total).toBe(600);
    expect(page.items.map((i) => i.id)).toEqual([7, 8, 9]);
    const top = await service.vocab({ id: bpe.id, offset: 0, limit: 5, sort: 'frequency' });
    for (let i = 1; i < top.items.length; i++) expect(top.items[i - 1].frequency).toBeGreaterThanOrEqual(top.items[i].frequency);
    const the = await service.vocab({ id: bpe.id, offset: 0, limit: 100, sort: 'id', search: 'Ġthe' });
    expect(the.items.find((i) => i.token === 'Ġthe')).toMatchObject({ text: ' the' });
    expect(the.items.find((i) => i.token === 'Ġthe')!.frequency).toBeGreaterThan(100);
  });

  it('exports tokenizer.json that the Hugging Face library loads with the same ids, and imports it back', async () => {
    const [bpe] = await service.list({ datasetId: splitId });
    const { path: file } = await service.export({ id: bpe.id });
    expect(file).toBe(path.join(home, 'exports', 'Shake BPE.tokenizer.json'));
    const hf = Tokenizer.fromFile(file);
    const text = validation.join('\n');
    expect((await hf.encode(text)).getIds()).toEqual(Array.from(service.load(bpe.id).encode(text).ids));

    const imported = await service.import({ path: file, name: 'imported' });
    expect(imported).toMatchObject({ kind: 'bpe', datasetId: null, vocabSize: 600, unkRate: null, tokensPerChar: null });
    expect(Array.from(service.load(imported.id).encode(text).ids)).toEqual((await hf.encode(text)).getIds());
    expect((await service.vocab({ id: imported.id, offset: 0, limit: 1, sort: 'id' })).items[0]).toEqual({ id: 0, token: '[PAD]', frequency: 0 });
    const again = await failure(service.import({ path: file, name: 'IMPORTED' }));
    expect(again.code).toBe('conflict');
  });

  it('explains files it cannot import', async () => {
    const foreign = path.join(home, 'unigram.json');
    writeFileSync(foreign, JSON.stringify({ model: { type: 'Unigram', vocab: [['a', -1]] } }));
    const e = await failure(service.import({ path: foreign, name: 'u' }));
    expect(e.code).toBe('bad_file');
    expect(e.message).toContain(`"${foreign}" cannot be imported.`);
    expect(e.message).toContain('"Unigram"');
    const missing = await failure(service.import({ path: path.join(home, 'nope.json'), name: 'n' }));
    expect(missing.message).toContain('does not exist');
    expect((await service.list({})).map((t) => t.name)).toEqual(['Shake BPE', 'chars', 'imported']);
  });

  it('exports into a chosen folder and deletes', async () => {
    const [, chars] = await service.list({ datasetId: splitId });
    const { path: file } = await service.export({ id: chars.id, path: home });
    expect(file).toBe(path.join(home, 'chars.tokenizer.json'));
    expect(JSON.parse(readFileSync(file, 'utf8')).model.type).toBe('BPE');
    expect(await service.delete({ id: chars.id })).toEqual({ ok: true });
    expect((await failure(service.get({ id: chars.id }))).code).toBe('not_found');
    expect((await failure(service.delete({ id: chars.id }))).code).toBe('not_found');
    expect(() => service.load(chars.id)).toThrow(/no tokenizer with id/);
  });

  it('trains a WordPiece without a validation split (scores are null)', async () => {
    const onlyTrain = addDataset('train-only', trainingDocs().slice(0, 300).map((text) => ({ text, split: 'train' as const })));
    const t = await service.train({ datasetId: onlyTrain, name: 'wp', kind: 'wordpiece', vocabSize: 500, lowercase: true });
    expect(t).toMatchObject({ kind: 'wordpiece', vocabSize: 500, lowercase: true, unkRate: null, tokensPerChar: null });
    const enc = await service.encode({ id: t.id, text: 'The KING speaks' });
    expect(enc.tokens[0]).toMatchObject({ token: 'the', start: 0, end: 3, unknown: false });
  });
});
