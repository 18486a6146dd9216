// Migration 3: reports that can be reopened, edited and re-exported — the runs and options they are built from, every
// export format (html, pdf, md, tex, csv, json, tfevents) — and the figures pinned to them from the attention explorer.
import type { Migration } from './types';

// reports had a format CHECK without tex/json/tfevents and required a path (an export) for a report that may not have
// been exported yet; nothing references it, so it is rebuilt in place. Rows written before keep their export.
const sql = `
CREATE TABLE reports_new (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  experiment_id INTEGER REFERENCES experiments (id) ON DELETE SET NULL,
  -- the runs the report covers, as a JSON array of ids; kept after a run is deleted so the report can say which is gone
  run_ids_json TEXT NOT NULL DEFAULT '[]',
  -- language, sections on/off and their order, curve settings, notes (main/reports/build-input.ts ReportOptions)
  options_json TEXT NOT NULL DEFAULT '{}',
  -- the last export: its format, absolute path, sha256 and size (a tfevents export is a folder: sha256 of its file list)
  format TEXT CHECK (format IN ('html', 'pdf', 'md', 'tex', 'csv', 'json', 'tfevents')),
  path TEXT,
  sha256 TEXT,
  bytes INTEGER,
  exported_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
INSERT INTO reports_new (id, name, experiment_id, options_json, format, path, sha256, bytes, exported_at, created_at, updated_at)
  SELECT id, name, experiment_id, options_json, format, path, sha256, bytes, created_at, created_at, created_at FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_experiment ON reports (experiment_id);

-- A picture pinned from the attention explorer (heatmap, head view, model view, step by step, embeddings): the SVG
-- markup or PNG (base64) the page drew, so the report shows exactly what the person saw, and what it was of.
CREATE TABLE report_figures (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  caption TEXT NOT NULL DEFAULT '',
  run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
  step INTEGER,
  view TEXT NOT NULL,
  mime TEXT NOT NULL CHECK (mime IN ('image/svg+xml', 'image/png')),
  data TEXT NOT NULL,
  -- e.g. {"layer":1,"head":0,"text":"To be, or not to be"}
  meta_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX report_figures_report ON report_figures (report_id, position);
`;

export const reportsAndFigures: Migration = {
  version: 3,
  name: 'reports-and-figures',
  up(db) {
    db.exec(sql);
  },
};
