// The settings key/value table: every statement prepared once (the app's language and theme, the job concurrency).
import type Database from 'better-sqlite3';

export class SettingsQueries {
  private readonly allStmt: Database.Statement<[], { key: string; value: string }>;
  private readonly getStmt: Database.Statement<[string], { value: string }>;
  private readonly upsertStmt: Database.Statement<[string, string]>;
  /** Writes every entry in one transaction. */
  readonly setMany: (entries: [string, string][]) => void;

  constructor(db: Database.Database) {
    this.allStmt = db.prepare('SELECT key, value FROM settings');
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.upsertStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.setMany = db.transaction((entries: [string, string][]) => {
      for (const [key, value] of entries) this.upsertStmt.run(key, value);
    });
  }

  /** Every stored key and its raw value. */
  all(): Map<string, string> {
    return new Map(this.allStmt.all().map((r) => [r.key, r.value]));
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.upsertStmt.run(key, value);
  }
}
