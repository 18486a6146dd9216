// Migration: the shape of one numbered schema step, applied once in its own transaction.
import type Database from 'better-sqlite3';

export interface Migration {
  /** becomes PRAGMA user_version once applied; numbers run 1, 2, 3 … with no gaps */
  version: number;
  /** short kebab-case name, the same as the file name after its number */
  name: string;
  /** runs inside a transaction opened by runMigrations; it must not open or commit one itself */
  up(db: Database.Database): void;
  /**
   * true for a migration that rebuilds a table other tables reference (SQLite's 12-step ALTER): the runner turns
   * foreign keys off around its transaction (so DROP TABLE does not cascade) and checks every reference before commit.
   */
  rebuildsTables?: boolean;
}
