// Migration 2: runs of any model family (RNNs, word embeddings, seq2seq, classifiers, imported runs), where they came
// from (local or external: TensorBoard/CSV/PyTorch DDP), and the run a fine-tune or continuation started from.
import type { Migration } from './types';

// The family is checked at the API boundary (zod enums in common/api), so new model families need no table
// rebuild; the column only insists on a short lower-case word. `origin` marks runs the lab did not train itself.
const rebuild = `
CREATE TABLE runs_new (
  id INTEGER PRIMARY KEY,
  experiment_id INTEGER REFERENCES experiments (id) ON DELETE SET NULL,
  name TEXT NOT NULL,
  family TEXT NOT NULL CHECK (family GLOB '[a-z]*' AND family NOT GLOB '*[^a-z0-9-]*' AND length(family) <= 32),
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
  heartbeat_at TEXT,
  -- 'local': trained by this lab; 'external': imported (origin_json says from what: engine, ranks, devices, path)
  origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'external')),
  origin_json TEXT NOT NULL DEFAULT '{}',
  -- the run whose checkpoint this one started from (a fine-tune of a pre-trained run), if any
  parent_run_id INTEGER REFERENCES runs_new (id) ON DELETE SET NULL
) STRICT;
INSERT INTO runs_new (id, experiment_id, name, family, dataset_id, tokenizer_id, config_json, seed, status, backend, threads,
  error, tags_json, notes, archived, step, total_steps, tokens_seen, created_at, started_at, finished_at, heartbeat_at)
SELECT id, experiment_id, name, family, dataset_id, tokenizer_id, config_json, seed, status, backend, threads,
  error, tags_json, notes, archived, step, total_steps, tokens_seen, created_at, started_at, finished_at, heartbeat_at
FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_experiment ON runs (experiment_id);
CREATE INDEX runs_status ON runs (status);
CREATE INDEX runs_parent ON runs (parent_run_id);
-- what an experiment compares: the BERT-vs-GPT pre-training comparison, or a kind added since
ALTER TABLE experiments ADD COLUMN kind TEXT NOT NULL DEFAULT 'bert-vs-gpt' CHECK (length(kind) BETWEEN 1 AND 40);
`;

export const runsOpenFamily: Migration = {
  version: 2,
  name: 'runs-open-family',
  rebuildsTables: true,
  up(db) {
    db.exec(rebuild);
  },
};
