// Migration 4: bookmarks of the embedding projector — a view someone wants to come back to (which vectors, the
// projection and its parameters, what was selected or isolated, the camera) with its layout, so it reopens as it was
// without projecting again.
import type { Migration } from './types';

const sql = `
CREATE TABLE projector_bookmarks (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  -- the vector set's key (run:<id>@<checkpoint>#token, file:<path>@<mtime>, …) and the source that opens it again
  set_key TEXT NOT NULL,
  source_json TEXT NOT NULL,
  -- run the set came from (null for a file); the bookmark goes with the run
  run_id INTEGER REFERENCES runs (id) ON DELETE CASCADE,
  params_json TEXT NOT NULL,
  -- colour column, selection, isolated rows, camera, analogy
  view_json TEXT NOT NULL DEFAULT '{}',
  n INTEGER NOT NULL CHECK (n >= 1),
  -- the layout: n * dims little-endian float32
  coords BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX projector_bookmarks_set ON projector_bookmarks (set_key, id);
CREATE INDEX projector_bookmarks_run ON projector_bookmarks (run_id);
`;

export const projectorBookmarks: Migration = {
  version: 4,
  name: 'projector-bookmarks',
  up(db) {
    db.exec(sql);
  },
};
