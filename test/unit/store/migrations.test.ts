// Migrations: a fresh file reaches the latest schema, tables are STRICT, foreign keys cascade, a failing step rolls back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAB_APPLICATION_ID, LATEST_SCHEMA_VERSION, migrations, runMigrations, schemaVersion, type Migration } from '../../../main/store/migrations';

const TABLES = ['artifacts', 'datasets', 'documents', 'experiments', 'metric_summaries', 'metrics', 'projector_bookmarks', 'report_figures', 'reports', 'runs', 'samples', 'settings', 'splits', 'tokenizers'];
const NOW = '2026-01-02T03:04:05.000Z';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-migrations-'));
  db = new Database(path.join(dir, 'lab.sqlite'));
  db.pragma('foreign_keys = ON');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function addDataset(name = 'reviews'): number {
  return Number(db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at)
    VALUES (?, '/data/r.jsonl', 'jsonl', 'utf-8', 'abc', '{}', '{}', 'ready', ?)`).run(name, NOW).lastInsertRowid);
}

function addRun(datasetId: number | null, tokenizerId: number | null = null): number {
  return Number(db.prepare(`INSERT INTO runs (name, family, dataset_id, tokenizer_id, config_json, seed, status, created_at)
    VALUES ('gpt-small', 'gpt', ?, ?, '{}', 7, 'queued', ?)`).run(datasetId, tokenizerId, NOW).lastInsertRowid);
}

describe('migration 1 on a fresh file', () => {
  it('reaches the latest version, stamps the application id and creates every table as STRICT', () => {
    expect(runMigrations(db)).toEqual(migrations.map((m) => m.version));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(LAB_APPLICATION_ID);
    const tables = db.prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string; strict: number }[];
    expect(tables.map((t) => t.name)).toEqual(TABLES);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
  });

  it('applies nothing the second time', () => {
    runMigrations(db);
    expect(runMigrations(db)).toEqual([]);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('refuses values of the wrong type and out-of-range enums', () => {
    runMigrations(db);
    const id = addDataset();
    expect(() => db.prepare(`INSERT INTO documents (dataset_id, idx, text, chars) VALUES (?, 'first', 'hi', 2)`).run(id))
      .toThrow(/cannot store TEXT value in INTEGER column documents.idx/);
    expect(() => db.prepare(`INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, 'loss', 1, 'low', 0)`).run(addRun(id)))
      .toThrow(/cannot store TEXT value in REAL column metrics.value/);
    expect(() => db.prepare(`INSERT INTO documents (dataset_id, idx, text, chars, split) VALUES (?, 0, 'hi', 2, 'dev')`).run(id))
      .toThrow(/CHECK constraint failed/);
    expect(() => addDataset('REVIEWS')).toThrow(/UNIQUE constraint failed: datasets.name/);
  });

  it('cascades dataset and run deletes, and detaches tokenizers and runs from a deleted dataset', () => {
    runMigrations(db);
    const ds = addDataset();
    db.prepare(`INSERT INTO documents (dataset_id, idx, text, chars) VALUES (?, 0, 'a', 1), (?, 1, 'b', 1)`).run(ds, ds);
    db.prepare(`INSERT INTO splits (dataset_id, seed, train, validation, test, stratified, counts_json, created_at) VALUES (?, 1, 0.8, 0.1, 0.1, 0, '{}', ?)`).run(ds, NOW);
    const tok = Number(db.prepare(`INSERT INTO tokenizers (name, kind, dataset_id, vocab_size, lowercase, special_tokens_json, tokenizer_json, frequencies_json, created_at)
      VALUES ('bpe-1k', 'bpe', ?, 1000, 0, '[]', '{}', '{}', ?)`).run(ds, NOW).lastInsertRowid);
    const run = addRun(ds, tok);
    db.prepare(`INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, 'loss', 1, 2.5, 0)`).run(run);
    db.prepare(`INSERT INTO samples (run_id, kind, prompt, output, created_at) VALUES (?, 'generate', 'Once', 'Once upon', ?)`).run(run, NOW);
    db.prepare(`INSERT INTO artifacts (run_id, kind, path, sha256, bytes, created_at) VALUES (?, 'checkpoint', 'a.safetensors', 'x', 10, ?)`).run(run, NOW);

    db.prepare('DELETE FROM datasets WHERE id = ?').run(ds);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect([count('documents'), count('splits')]).toEqual([0, 0]);
    expect(db.prepare('SELECT dataset_id FROM tokenizers').get()).toEqual({ dataset_id: null });
    expect(db.prepare('SELECT dataset_id, tokenizer_id FROM runs').get()).toEqual({ dataset_id: null, tokenizer_id: tok });

    db.prepare('DELETE FROM runs WHERE id = ?').run(run);
    expect(['metrics', 'metric_summaries', 'samples', 'artifacts'].map(count)).toEqual([0, 0, 0, 0]);
  });

  it('keeps metric summaries equal to a plain recomputation, through inserts, replacements, NaNs and deletes', () => {
    runMigrations(db);
    const run = addRun(null);
    const points = new Map<number, number | null>();
    const log = db.prepare(`INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, 'loss', ?, ?, ?)
      ON CONFLICT (run_id, key, step) DO UPDATE SET value = excluded.value, time = excluded.time`);
    const put = (step: number, value: number | null) => { points.set(step, value); log.run(run, step, value, 1.7e9 + step); };
    // out-of-order steps, a NaN (stored as NULL), a replaced step that held the minimum
    [[10, 4.1], [20, 3.2], [30, null], [5, 5.0], [40, 2.9], [50, 3.0]].forEach(([s, v]) => put(s as number, v));
    const expectSummary = () => {
      const steps = [...points.keys()].sort((a, b) => a - b);
      const finite = steps.filter((s) => points.get(s) !== null);
      const minStep = finite.reduce((a, b) => (points.get(b)! < points.get(a)! ? b : a));
      const maxStep = finite.reduce((a, b) => (points.get(b)! > points.get(a)! ? b : a));
      const last = steps[steps.length - 1];
      expect(db.prepare(`SELECT last, last_step, min, min_step, max, max_step, count FROM metric_summaries WHERE run_id = ? AND key = 'loss'`).get(run)).toEqual({
        last: points.get(last), last_step: last, min: points.get(minStep), min_step: minStep,
        max: points.get(maxStep), max_step: maxStep, count: steps.length,
      });
    };
    expectSummary();
    put(40, 3.5);
    expectSummary();
    points.delete(50);
    db.prepare(`DELETE FROM metrics WHERE run_id = ? AND key = 'loss' AND step = 50`).run(run);
    expectSummary();
  });
});

describe('runMigrations', () => {
  it('rolls back a migration that throws, leaving user_version and the schema as they were', () => {
    runMigrations(db);
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (id INTEGER PRIMARY KEY) STRICT');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => runMigrations(db, [...migrations, broken])).toThrow(
      `Database migration ${broken.version} ("broken") failed and was rolled back: no such table: no_such_table. The database is unchanged at schema ${LATEST_SCHEMA_VERSION}; report this with the message.`,
    );
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'`).get()).toEqual({ n: 0 });
  });

  it('rolls back a failing first migration on a fresh file, including its application id', () => {
    const failing: Migration = { version: 1, name: 'initial', up(d) { migrations[0].up(d); throw new Error('disk on fire'); } };
    expect(() => runMigrations(db, [failing])).toThrow(/failed and was rolled back: disk on fire/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.pragma('application_id', { simple: true })).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM sqlite_master').get()).toEqual({ n: 0 });
  });

  it('refuses a list with a gap in its versions', () => {
    const skip: Migration = { version: 3, name: 'skipped-two', up() {} };
    expect(() => runMigrations(db, [migrations[0], skip])).toThrow('Migration "skipped-two" has version 3 but is number 2 in the list: versions must run 1, 2, 3 … without gaps.');
    expect(schemaVersion(db)).toBe(0);
  });
});

describe('migration 2 (runs of any family, origin, parent run)', () => {
  it('keeps every run, its metrics, samples and artifacts, and the references between tables', () => {
    runMigrations(db, migrations.slice(0, 1));
    const ds = addDataset();
    const run = addRun(ds);
    db.prepare(`INSERT INTO metrics (run_id, key, step, value, time) VALUES (?, 'train/loss', 1, 3.5, 0), (?, 'train/loss', 2, 3.1, 1)`).run(run, run);
    db.prepare(`INSERT INTO samples (run_id, step, kind, prompt, output, created_at) VALUES (?, 2, 'continuation', 'a', 'b', ?)`).run(run, NOW);
    db.prepare(`INSERT INTO artifacts (run_id, kind, path, sha256, bytes, created_at) VALUES (?, 'checkpoint', 'x', 'h', 1, ?)`).run(run, NOW);

    expect(runMigrations(db)).toContain(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(run)).toBe(2);
    expect(db.prepare('SELECT last FROM metric_summaries WHERE run_id = ?').pluck().get(run)).toBe(3.1);
    expect(db.prepare('SELECT count(*) FROM samples').pluck().get()).toBe(1);
    expect(db.prepare('SELECT origin, origin_json, parent_run_id FROM runs WHERE id = ?').get(run)).toEqual({ origin: 'local', origin_json: '{}', parent_run_id: null });
    expect(db.prepare('SELECT kind FROM experiments').all()).toEqual([]);
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // new families need no rebuild; nonsense is still refused
    const w2v = Number(db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at, parent_run_id) VALUES ('w', 'word2vec', '{}', 1, 'queued', ?, ?)`).run(NOW, run).lastInsertRowid);
    expect(() => db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at) VALUES ('x', 'Bad Family', '{}', 1, 'queued', ?)`).run(NOW)).toThrow(/CHECK constraint failed/);
    expect(() => db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at, origin) VALUES ('x', 'gpt', '{}', 1, 'queued', ?, 'cloud')`).run(NOW)).toThrow(/CHECK constraint failed/);
    // the foreign keys still act after the rebuild: deleting a run cascades to its metrics and unlinks its children
    db.prepare('DELETE FROM runs WHERE id = ?').run(run);
    expect(db.prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(0);
    expect(db.prepare('SELECT parent_run_id FROM runs WHERE id = ?').pluck().get(w2v)).toBe(null);
  });
});
