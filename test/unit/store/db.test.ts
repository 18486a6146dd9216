// openStore: pragmas, refusal of files that are not ours (byte-for-byte untouched), and crash recovery at open.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { openStore } from '../../../main/store/db';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-store-'));
  file = path.join(dir, 'lab.sqlite');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');

/** Expects openStore to refuse with a LabError('store') matching `message`, leaving the folder's files as they were. */
function expectRefused(message: string | RegExp): void {
  const before = fs.readdirSync(dir).sort().map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? sha(path.join(dir, f)) : 'dir']);
  let error: unknown;
  try {
    openStore(file).close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(LabError);
  expect((error as LabError).code).toBe('store');
  if (typeof message === 'string') expect((error as LabError).message).toBe(message);
  else expect((error as LabError).message).toMatch(message);
  const after = fs.readdirSync(dir).sort().map((f) => [f, fs.statSync(path.join(dir, f)).isFile() ? sha(path.join(dir, f)) : 'dir']);
  expect(after).toEqual(before);
}

describe('openStore on a new or lab file', () => {
  it('creates the file with WAL, foreign keys, busy timeout, synchronous NORMAL and the latest schema', () => {
    const db = openStore(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
    // WAL mode is persistent: another reader (Python's sqlite3 would see the same) finds it in the header
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('reopens its own file and keeps the data', () => {
    const db = openStore(file);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('language', 'zh-CN')`).run();
    db.close();
    const again = openStore(file);
    expect(again.prepare('SELECT value FROM settings WHERE key = ?').get('language')).toEqual({ value: 'zh-CN' });
    again.close();
  });

  it('adopts an empty file (SQLite treats it as an empty database)', () => {
    fs.writeFileSync(file, '');
    const db = openStore(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});

describe('openStore refuses, without modifying the file', () => {
  it('a file that is not SQLite', () => {
    fs.writeFileSync(file, 'name,text\nfirst,hello world\n'.repeat(20));
    expectRefused(`"${file}" is not an Attention Lab database (file is not SQLite): move it away or choose another --home.`);
  });

  it('a file shorter than a SQLite header', () => {
    fs.writeFileSync(file, 'SQLite format 3\0');
    expectRefused(/is not an Attention Lab database \(file is not SQLite\)/);
  });

  it('a SQLite database of another application', () => {
    const other = new Database(file);
    other.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT); INSERT INTO contacts (email) VALUES (\'a@b.c\');');
    other.close();
    expectRefused(`"${file}" is a SQLite database from another application (application_id 0, 1 schema objects), not an Attention Lab database: move it away or choose another --home.`);
  });

  it('an empty SQLite database stamped by another application', () => {
    const other = new Database(file);
    other.pragma('application_id = 1234');
    other.close();
    expectRefused(/from another application \(application_id 1234, 0 schema objects\)/);
  });

  it('a database written by a newer Attention Lab', () => {
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.close();
    expectRefused(`"${file}" was written by a newer Attention Lab (schema ${LATEST_SCHEMA_VERSION + 5}, this build knows ${LATEST_SCHEMA_VERSION}): update the app.`);
  });

  it('a damaged database', () => {
    openStore(file).close();
    // keep the 100-byte header, overwrite the rest of page 1 (the schema b-tree) with a byte pattern
    const bytes = fs.readFileSync(file);
    bytes.fill(0xab, 100, 4096);
    fs.writeFileSync(file, bytes);
    expectRefused(`"${file}" is a damaged database (SQLite says: database disk image is malformed): restore a backup, or move it away and choose another --home.`);
  });

  it('a folder where the database file should be', () => {
    fs.mkdirSync(file);
    expectRefused(`"${file}" is a folder, not a database file: move it away or choose another --home.`);
  });

  it('a location that cannot be written', () => {
    // /proc refuses new files even for root, where chmod-based read-only folders would not
    expect(() => openStore('/proc/attention-lab-test/lab.sqlite')).toThrow(/folder "\/proc\/attention-lab-test" for the lab database does not exist|read-only location/);
    expect(() => openStore('/proc/lab.sqlite')).toThrow(/"\/proc\/lab\.sqlite" cannot be (written|opened for writing) \(read-only location: .+\): make the folder writable or choose another --home\./);
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder (non-root users only)', () => {
    openStore(file).close();
    fs.chmodSync(dir, 0o555);
    try {
      expectRefused(/cannot be written \(read-only location: EACCES\)/);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
});

describe('recovery at open', () => {
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  it('marks runs that stopped beating as crashed, leaves live and finished runs, and removes abandoned imports', () => {
    const db = openStore(file);
    const addRun = db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at, started_at, heartbeat_at) VALUES (?, 'bert', '{}', 1, ?, ?, ?, ?)`);
    addRun.run('died', 'running', iso(3_600_000), iso(3_600_000), iso(600_000));
    addRun.run('never-beat', 'running', iso(3_600_000), iso(3_600_000), null);
    addRun.run('alive-elsewhere', 'running', iso(3_600_000), iso(3_600_000), iso(2_000));
    addRun.run('done', 'completed', iso(3_600_000), iso(3_600_000), iso(600_000));
    const addDataset = db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at, heartbeat_at)
      VALUES (?, '/x.txt', 'txt', 'utf-8', 'h', '{}', '{}', ?, ?, ?)`);
    const half = Number(addDataset.run('half-imported', 'importing', iso(600_000), iso(300_000)).lastInsertRowid);
    addDataset.run('importing-now', 'importing', iso(600_000), iso(1_000));
    addDataset.run('being-deleted', 'deleting', iso(600_000), null);
    addDataset.run('kept', 'ready', iso(600_000), null);
    db.prepare(`INSERT INTO documents (dataset_id, idx, text, chars) VALUES (?, 0, 'partial', 7)`).run(half);
    db.close();

    const reopened = openStore(file);
    const runs = reopened.prepare('SELECT name, status, error, finished_at IS NOT NULL AS finished FROM runs ORDER BY id').all() as { name: string; status: string; error: string | null; finished: number }[];
    expect(runs.map((r) => [r.name, r.status, r.finished])).toEqual([
      ['died', 'crashed', 1], ['never-beat', 'crashed', 1], ['alive-elsewhere', 'running', 0], ['done', 'completed', 0],
    ]);
    expect(runs[0].error).toMatch(/^The app stopped while this run was running \(last heartbeat \d{4}-\d\d-\d\dT.+Z\)\.$/);
    expect(reopened.prepare('SELECT name FROM datasets ORDER BY id').all()).toEqual([{ name: 'importing-now' }, { name: 'kept' }]);
    expect(reopened.prepare('SELECT count(*) AS n FROM documents').get()).toEqual({ n: 0 });
    reopened.close();
  });

  it('crashes a running run and removes an import at once when their process on this machine is gone (kill -9), not after 60 s', () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number; // exited and reaped: no process has this pid now
    const host = os.hostname();
    const db = openStore(file);
    const addRun = db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at, started_at, heartbeat_at, owner_pid, owner_host)
      VALUES (?, 'gpt', '{}', 1, 'running', ?, ?, ?, ?, ?)`);
    addRun.run('killed', iso(5_000), iso(5_000), iso(1_000), gone, host);
    addRun.run('parent-alive', iso(5_000), iso(5_000), iso(1_000), process.ppid, host);
    addRun.run('other-machine', iso(5_000), iso(5_000), iso(1_000), gone, `${host}-elsewhere`);
    const addDataset = db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at, heartbeat_at,
      owner_pid, owner_host) VALUES (?, '/x.txt', 'txt', 'utf-8', 'h', '{}', '{}', 'importing', ?, ?, ?, ?)`);
    addDataset.run('killed-import', iso(5_000), iso(1_000), gone, host);
    addDataset.run('live-import', iso(5_000), iso(1_000), process.ppid, host);
    db.close();

    const reopened = openStore(file);
    const runs = reopened.prepare('SELECT name, status, error FROM runs ORDER BY id').all() as { name: string; status: string; error: string | null }[];
    expect(runs.map((r) => [r.name, r.status])).toEqual([['killed', 'crashed'], ['parent-alive', 'running'], ['other-machine', 'running']]);
    expect(runs[0].error).toMatch(new RegExp(`^The process running this run \\(pid ${gone}\\) stopped without finishing it \\(last heartbeat .+Z\\)\\.$`));
    expect(reopened.prepare('SELECT name FROM datasets ORDER BY id').all()).toEqual([{ name: 'live-import' }]);
    reopened.close();
  });

  it('can be turned off for a read-mostly caller', () => {
    const db = openStore(file);
    db.prepare(`INSERT INTO runs (name, family, config_json, seed, status, created_at) VALUES ('r', 'gpt', '{}', 1, 'running', ?)`).run(iso(3_600_000));
    db.close();
    const again = openStore(file, { recover: false });
    expect(again.prepare('SELECT status FROM runs').get()).toEqual({ status: 'running' });
    again.close();
  });
});
