// openStore: opens (or creates) the lab database, refuses files that are not ours untouched, migrates, and recovers.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LabError } from '../../common/errors';
import { LAB_APPLICATION_ID, LATEST_SCHEMA_VERSION, runMigrations } from './migrations';
import { markInterruptedRuns, removeUnfinishedDatasets } from './recovery';

export { markInterruptedRuns, removeUnfinishedDatasets } from './recovery';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** Every SQLite file starts with a 100-byte header; anything shorter (but not empty) is not one. */
const SQLITE_HEADER_BYTES = 100;

export interface OpenStoreOptions {
  /**
   * Mark runs whose worker stopped beating as crashed and drop abandoned imports (default true).
   * Anything that beat within `staleAfterMs` is left alone: another process may own it.
   */
  recover?: boolean;
  staleAfterMs?: number;
  /** path of a better-sqlite3 addon built for another ABI (Electron's); the Node build is used when absent */
  nativeBinding?: string;
}

/** What reading an existing file's header and schema found, before anything is written. */
interface Probe {
  applicationId: number;
  userVersion: number;
  objects: number;
}

/**
 * Opens the lab database at dbPath with WAL, foreign keys, a 5 s busy timeout and synchronous=NORMAL,
 * brings its schema to the latest migration, then recovers from an earlier crash (see OpenStoreOptions).
 * A file that is not SQLite, belongs to another application, is newer than this build, is damaged or
 * cannot be written is refused with LabError('store') before anything is written to it.
 */
export function openStore(dbPath: string, options: OpenStoreOptions = {}): Database.Database {
  const file = path.resolve(dbPath);
  const driver: Database.Options = options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding };
  const existed = fs.existsSync(file);
  if (existed) checkExistingFile(file);
  else checkCanCreate(file);

  let db: Database.Database;
  try {
    db = new Database(file, driver);
  } catch (e) {
    throw translateSqliteError(e, file);
  }
  try {
    db.pragma('busy_timeout = 5000');
    // Opening and reading write nothing; the identity checks come before the first pragma that writes (journal_mode).
    if (existed) checkIdentity(file, probe(db));
    db.pragma('foreign_keys = ON');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new LabError('store', `"${file}" could not be switched to WAL journaling (SQLite kept "${String(mode)}"): put the lab home on a local disk.`);
    }
    db.pragma('synchronous = NORMAL');
    runMigrations(db);
    if (options.recover ?? true) {
      const staleAfterMs = options.staleAfterMs;
      markInterruptedRuns(db, { staleAfterMs });
      removeUnfinishedDatasets(db, { staleAfterMs });
    }
    return db;
  } catch (e) {
    db.close();
    throw e instanceof LabError ? e : translateSqliteError(e, file);
  }
}

/** Refuses, from the bytes alone, an existing path that cannot be a lab database; reads only. */
function checkExistingFile(file: string): void {
  const stat = fs.statSync(file);
  if (stat.isDirectory()) {
    throw new LabError('store', `"${file}" is a folder, not a database file: move it away or choose another --home.`, { field: 'home' });
  }
  if (stat.size === 0) {
    // SQLite treats an empty file as an empty database; it becomes ours on first write.
    checkWritable(file);
    return;
  }
  const header = readHeader(file);
  if (header.length < SQLITE_HEADER_BYTES || !header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) {
    throw new LabError('store', `"${file}" is not an Attention Lab database (file is not SQLite): move it away or choose another --home.`, { field: 'home' });
  }
  checkWritable(file);
}

/** Refuses a SQLite file that belongs to another application or to a newer Attention Lab. */
function checkIdentity(file: string, found: Probe): void {
  if (found.applicationId !== LAB_APPLICATION_ID && (found.objects > 0 || found.applicationId !== 0)) {
    throw new LabError('store',
      `"${file}" is a SQLite database from another application (application_id ${found.applicationId}, ${found.objects} schema objects), not an Attention Lab database: move it away or choose another --home.`,
      { field: 'home' });
  }
  if (found.userVersion > LATEST_SCHEMA_VERSION) {
    throw new LabError('store',
      `"${file}" was written by a newer Attention Lab (schema ${found.userVersion}, this build knows ${LATEST_SCHEMA_VERSION}): update the app.`,
      { field: 'home' });
  }
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER_BYTES);
    const n = fs.readSync(fd, buf, 0, SQLITE_HEADER_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reading the schema also surfaces a damaged file (SQLITE_CORRUPT / SQLITE_NOTADB) before anything is written. */
function probe(db: Database.Database): Probe {
  return {
    applicationId: db.pragma('application_id', { simple: true }) as number,
    userVersion: db.pragma('user_version', { simple: true }) as number,
    objects: (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n,
  };
}

/** WAL needs to write the file and create -wal/-shm beside it, so both the file and its folder must be writable. */
function checkWritable(file: string): void {
  for (const target of [file, path.dirname(file)]) {
    try {
      fs.accessSync(target, fs.constants.W_OK);
    } catch (e) {
      throw readOnlyError(file, (e as NodeJS.ErrnoException).code ?? String(e));
    }
  }
}

function checkCanCreate(file: string): void {
  const dir = path.dirname(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new LabError('store', `The folder "${dir}" for the lab database does not exist: create it or choose another --home.`, { field: 'home' });
  }
  if (!stat.isDirectory()) {
    throw new LabError('store', `"${dir}" is a file, not a folder, so the lab database cannot be created there: choose another --home.`, { field: 'home' });
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw readOnlyError(file, (e as NodeJS.ErrnoException).code ?? String(e));
  }
}

function readOnlyError(file: string, reason: string): LabError {
  return new LabError('store', `"${file}" cannot be written (read-only location: ${reason}): make the folder writable or choose another --home.`, { field: 'home' });
}

/** Turns a raw better-sqlite3 error met while opening into a sentence; other errors pass through. */
export function translateSqliteError(e: unknown, file: string): Error {
  if (e instanceof LabError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB') {
    return new LabError('store', `"${file}" is not an Attention Lab database (file is not SQLite): move it away or choose another --home.`, { field: 'home', cause: e });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new LabError('store', `"${file}" is a damaged database (SQLite says: ${message}): restore a backup, or move it away and choose another --home.`, { field: 'home', cause: e });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new LabError('store', `"${file}" cannot be opened for writing (read-only location: ${message}): make the folder writable or choose another --home.`, { field: 'home', cause: e });
  }
  if (code === 'SQLITE_FULL') {
    return new LabError('store', `The disk holding "${file}" is full: free some space and try again.`, { cause: e });
  }
  return e instanceof Error ? e : new Error(message);
}
