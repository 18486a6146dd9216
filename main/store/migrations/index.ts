// The ordered list of schema migrations and the runner that applies the missing ones, one transaction each.
import type Database from 'better-sqlite3';
import { LabError } from '../../../common/errors';
import { initial } from './0001-initial';
import { runsOpenFamily } from './0002-runs-open-family';
import { reportsAndFigures } from './0003-reports';
import { projectorBookmarks } from './0004-projector-bookmarks';
import { workOwners } from './0005-work-owners';
import { documentPairs } from './0006-document-pairs';
import { documentPairsIndex } from './0007-document-pairs-index';
import type { Migration } from './types';

export type { Migration } from './types';
export { LAB_APPLICATION_ID } from './0001-initial';

/** Append new migrations here; never edit or reorder a released one. */
export const migrations: readonly Migration[] = [initial, runsOpenFamily, reportsAndFigures, projectorBookmarks, workOwners, documentPairs, documentPairsIndex];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration above the database's user_version, in order. Each one and its user_version
 * bump commit together, so a migration that throws leaves the schema and version as they were.
 * Returns the versions applied.
 */
export function runMigrations(db: Database.Database, list: readonly Migration[] = migrations): number[] {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new LabError('internal', `Migration "${m.name}" has version ${m.version} but is number ${i + 1} in the list: versions must run 1, 2, 3 … without gaps.`);
    }
  });
  const applied: number[] = [];
  for (const m of list) {
    if (m.version <= schemaVersion(db)) continue;
    // IMMEDIATE takes the write lock before re-reading the version, so two processes opening a fresh
    // file at once apply each migration exactly once (the second waits, then finds it done).
    const apply = db.transaction((): boolean => {
      if (m.version <= schemaVersion(db)) return false;
      m.up(db);
      if (m.rebuildsTables === true) assertReferencesIntact(db, m);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    let ran: boolean;
    // PRAGMA foreign_keys is a no-op inside a transaction, so it is switched around it (SQLite's documented procedure).
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number;
    if (m.rebuildsTables === true) db.pragma('foreign_keys = OFF');
    try {
      ran = apply.immediate();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new LabError('store', `Database migration ${m.version} ("${m.name}") failed and was rolled back: ${reason}. The database is unchanged at schema ${schemaVersion(db)}; report this with the message.`, { cause: e });
    } finally {
      if (m.rebuildsTables === true && foreignKeys === 1) db.pragma('foreign_keys = ON');
    }
    if (ran) applied.push(m.version);
  }
  return applied;
}

/** A rebuild must leave every foreign key pointing at a row that exists; otherwise the transaction is rolled back. */
function assertReferencesIntact(db: Database.Database, m: Migration): void {
  const broken = db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
  if (broken.length > 0) {
    const first = broken[0];
    throw new Error(`migration "${m.name}" left ${broken.length} broken reference(s), the first in ${first.table} row ${first.rowid} to ${first.parent}`);
  }
}
