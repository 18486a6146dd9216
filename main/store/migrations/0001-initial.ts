// Migration 1: the whole data model of DESIGN.md (datasets … settings) as STRICT tables, and the lab's application_id.
import type { Migration } from './types';

/**
 * Stamped into the SQLite header (PRAGMA application_id) so a database written by another program is
 * recognised and left alone. 0x41544C42 is "ATLB" in ASCII.
 */
export const LAB_APPLICATION_ID = 0x41544c42;

// Timestamps are ISO-8601 UTC strings (new Date().toISOString()); *_json columns hold JSON text.
const schema = `
CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  source_path TEXT NOT NULL,
  format TEXT NOT NULL,
  encoding TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  options_json TEXT NOT NULL,
  stats_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('importing', 'ready', 'deleting')),
  created_at TEXT NOT NULL,
  -- refreshed by every import batch, so a reopened store can tell an abandoned import from one still running elsewhere
  heartbeat_at TEXT
) STRICT;
CREATE INDEX datasets_sha256 ON datasets (sha256);

CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  label TEXT,
  chars INTEGER NOT NULL,
  split TEXT CHECK (split IN ('train', 'validation', 'test')),
  UNIQUE (dataset_id, idx)
) STRICT;
CREATE INDEX documents_split ON documents (dataset_id, split, idx);

CREATE TABLE splits (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
  seed INTEGER NOT NULL,
  train REAL NOT NULL,
  validation REAL NOT NULL,
  test REAL NOT NULL,
  stratified INTEGER NOT NULL CHECK (stratified IN (0, 1)),
  counts_json TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE tokenizers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  kind TEXT NOT NULL CHECK (kind IN ('char', 'bpe', 'wordpiece')),
  dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  vocab_size INTEGER NOT NULL,
  lowercase INTEGER NOT NULL CHECK (lowercase IN (0, 1)),
  special_tokens_json TEXT NOT NULL,
  tokenizer_json TEXT NOT NULL,
  frequencies_json TEXT NOT NULL,
  unk_rate REAL,
  tokens_per_char REAL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX tokenizers_dataset ON tokenizers (dataset_id);

-- One comparison (e.g. BERT vs GPT on one dataset with a matched budget); its runs point here.
CREATE TABLE experiments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description TEXT NOT NULL DEFAULT '',
  dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  tokenizer_id INTEGER REFERENCES tokenizers (id) ON DELETE SET NULL,
  -- the budget every run of the comparison shares, e.g. {"steps":2000,"tokens":1000000}
  budget_json TEXT NOT NULL DEFAULT '{}',
  tags_json TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  experiment_id INTEGER REFERENCES experiments (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  family TEXT NOT NULL CHECK (family IN ('gpt', 'bert', 'rnn')),
  dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  tokenizer_id INTEGER REFERENCES tokenizers (id) ON DELETE SET NULL,
  config_json TEXT NOT NULL,
  seed INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'completed', 'stopped', 'failed', 'crashed')),
  backend TEXT,
  threads INTEGER,
  error TEXT,
  tags_json TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  step INTEGER NOT NULL DEFAULT 0,
  total_steps INTEGER,
  tokens_seen INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  heartbeat_at TEXT
) STRICT;
CREATE INDEX runs_experiment ON runs (experiment_id);
CREATE INDEX runs_status ON runs (status);

-- One scalar per (run, key, step), e.g. ('train/loss', 120, 3.41). A NULL value records a non-finite one
-- (a NaN loss is an event worth keeping). time = seconds since the Unix epoch (fractional).
-- Logging the same step again (a resumed run) replaces it: INSERT … ON CONFLICT (run_id, key, step) DO UPDATE.
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  step INTEGER NOT NULL,
  value REAL,
  time REAL NOT NULL,
  PRIMARY KEY (run_id, key, step)
) STRICT, WITHOUT ROWID;

-- Latest / lowest / highest value per (run, key) with the step of each, kept by the triggers below so
-- run tables and comparisons never scan the metrics. min/max skip NULL (non-finite) values.
CREATE TABLE metric_summaries (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  last REAL,
  last_step INTEGER NOT NULL,
  min REAL,
  min_step INTEGER,
  max REAL,
  max_step INTEGER,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_id, key)
) STRICT, WITHOUT ROWID;

-- Inserting a point updates the summary in O(1).
CREATE TRIGGER metrics_summarise_insert AFTER INSERT ON metrics
BEGIN
  INSERT INTO metric_summaries (run_id, key, last, last_step, min, min_step, max, max_step, count)
  VALUES (NEW.run_id, NEW.key, NEW.value, NEW.step,
          NEW.value, CASE WHEN NEW.value IS NULL THEN NULL ELSE NEW.step END,
          NEW.value, CASE WHEN NEW.value IS NULL THEN NULL ELSE NEW.step END, 1)
  ON CONFLICT (run_id, key) DO UPDATE SET
    last = CASE WHEN NEW.step >= last_step THEN NEW.value ELSE last END,
    last_step = max(last_step, NEW.step),
    min = CASE WHEN NEW.value IS NOT NULL AND (min IS NULL OR NEW.value < min) THEN NEW.value ELSE min END,
    min_step = CASE WHEN NEW.value IS NOT NULL AND (min IS NULL OR NEW.value < min) THEN NEW.step ELSE min_step END,
    max = CASE WHEN NEW.value IS NOT NULL AND (max IS NULL OR NEW.value > max) THEN NEW.value ELSE max END,
    max_step = CASE WHEN NEW.value IS NOT NULL AND (max IS NULL OR NEW.value > max) THEN NEW.step ELSE max_step END,
    count = count + 1;
END;
`;

/**
 * Replacing or removing a point can move the minimum or maximum anywhere, so the summary of that
 * (run, key) is rebuilt from its rows (an index range scan); this is rare next to inserts.
 */
function resummarise(rowAlias: 'NEW' | 'OLD'): string {
  const r = rowAlias;
  return `
  DELETE FROM metric_summaries WHERE run_id = ${r}.run_id AND key = ${r}.key;
  INSERT INTO metric_summaries (run_id, key, last, last_step, min, min_step, max, max_step, count)
  SELECT ${r}.run_id, ${r}.key,
    (SELECT value FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key ORDER BY step DESC LIMIT 1),
    (SELECT max(step) FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key),
    (SELECT value FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key AND value IS NOT NULL ORDER BY value ASC, step ASC LIMIT 1),
    (SELECT step FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key AND value IS NOT NULL ORDER BY value ASC, step ASC LIMIT 1),
    (SELECT value FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key AND value IS NOT NULL ORDER BY value DESC, step ASC LIMIT 1),
    (SELECT step FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key AND value IS NOT NULL ORDER BY value DESC, step ASC LIMIT 1),
    (SELECT count(*) FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key)
  WHERE EXISTS (SELECT 1 FROM metrics WHERE run_id = ${r}.run_id AND key = ${r}.key);`;
}

const summaryRebuildTriggers = `
CREATE TRIGGER metrics_summarise_update AFTER UPDATE ON metrics
BEGIN${resummarise('NEW')}
END;
CREATE TRIGGER metrics_summarise_delete AFTER DELETE ON metrics
BEGIN${resummarise('OLD')}
END;
`;

const rest = `
-- Probe outputs kept with a run: a continuation, a filled blank, a classification.
CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step INTEGER,
  kind TEXT NOT NULL,
  prompt TEXT NOT NULL,
  output TEXT NOT NULL,
  -- e.g. {"temperature":0.8,"topK":40} or {"topTokens":[["cat",0.41],["dog",0.22]]}
  settings_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX samples_run ON samples (run_id, step);

-- Files a run produced (checkpoints, ONNX exports), path relative to the lab home.
CREATE TABLE artifacts (
  id INTEGER PRIMARY KEY,
  run_id INTEGER REFERENCES runs (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  step INTEGER,
  meta_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX artifacts_run ON artifacts (run_id, kind);

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  experiment_id INTEGER REFERENCES experiments (id) ON DELETE SET NULL,
  format TEXT NOT NULL CHECK (format IN ('html', 'pdf', 'md', 'csv')),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  -- the run ids and sections the report was built from, so it can be rebuilt
  options_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX reports_experiment ON reports (experiment_id);

-- User preferences (language, theme, …), one row per key; the owning service decides how value is encoded.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
`;

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(schema);
    db.exec(summaryRebuildTriggers);
    db.exec(rest);
    db.pragma(`application_id = ${LAB_APPLICATION_ID}`);
  },
};
