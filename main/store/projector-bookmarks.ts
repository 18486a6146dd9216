// Query objects of the projector's bookmarks: a saved view with its layout (a float32 BLOB), listed newest first.
import type Database from 'better-sqlite3';

export interface BookmarkRow {
  id: number;
  name: string;
  set_key: string;
  source_json: string;
  run_id: number | null;
  params_json: string;
  view_json: string;
  n: number;
  created_at: string;
}

export interface NewBookmark {
  name: string;
  setKey: string;
  source: unknown;
  runId: number | null;
  params: unknown;
  view: Record<string, unknown>;
  n: number;
  coords: Buffer;
}

const COLUMNS = 'id, name, set_key, source_json, run_id, params_json, view_json, n, created_at';

export class BookmarkQueries {
  constructor(private readonly db: Database.Database) {}

  list(setKey?: string): BookmarkRow[] {
    return setKey === undefined
      ? this.db.prepare(`SELECT ${COLUMNS} FROM projector_bookmarks ORDER BY id DESC`).all() as BookmarkRow[]
      : this.db.prepare(`SELECT ${COLUMNS} FROM projector_bookmarks WHERE set_key = ? ORDER BY id DESC`).all(setKey) as BookmarkRow[];
  }

  get(id: number): BookmarkRow | undefined {
    return this.db.prepare(`SELECT ${COLUMNS} FROM projector_bookmarks WHERE id = ?`).get(id) as BookmarkRow | undefined;
  }

  coords(id: number): Buffer | undefined {
    return (this.db.prepare('SELECT coords FROM projector_bookmarks WHERE id = ?').get(id) as { coords: Buffer } | undefined)?.coords;
  }

  insert(b: NewBookmark): number {
    const info = this.db.prepare(`INSERT INTO projector_bookmarks (name, set_key, source_json, run_id, params_json, view_json, n, coords, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(b.name, b.setKey, JSON.stringify(b.source), b.runId, JSON.stringify(b.params),
      JSON.stringify(b.view), b.n, b.coords, new Date().toISOString());
    return Number(info.lastInsertRowid);
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM projector_bookmarks WHERE id = ?').run(id).changes > 0;
  }
}
