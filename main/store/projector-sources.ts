// Query objects of the projector's sources: the runs whose vectors it can open, and a model run's checkpoints.
import type Database from 'better-sqlite3';

export interface SourceRunRow {
  id: number;
  name: string;
  family: string;
  dataset_id: number | null;
  config_json: string;
}

/** The families whose runs hold word vectors in runs/<id>/vectors/ (issue 15a). */
export const WORD_VECTOR_FAMILIES = ['word2vec', 'fasttext', 'glove', 'embeddings-import'] as const;

export class ProjectorSourceQueries {
  constructor(private readonly db: Database.Database) {}

  /** GPT/BERT runs and word-vector runs, not archived, oldest first. */
  runs(): SourceRunRow[] {
    const families = ['gpt', 'bert', ...WORD_VECTOR_FAMILIES];
    return this.db.prepare(`SELECT id, name, family, dataset_id, config_json FROM runs
      WHERE archived = 0 AND family IN (${families.map(() => '?').join(', ')}) ORDER BY id`).all(...families) as SourceRunRow[];
  }

  run(id: number): SourceRunRow | undefined {
    return this.db.prepare('SELECT id, name, family, dataset_id, config_json FROM runs WHERE id = ?').get(id) as SourceRunRow | undefined;
  }

  /** A model run's checkpoint folders (relative to the lab home), one per step, oldest first. */
  checkpoints(runId: number): { step: number; path: string }[] {
    const rows = this.db.prepare("SELECT step, path FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' AND step IS NOT NULL ORDER BY step ASC, id DESC").all(runId) as { step: number; path: string }[];
    const byStep = new Map<number, string>();
    for (const r of rows) if (!byStep.has(r.step)) byStep.set(r.step, r.path);
    return [...byStep].map(([step, path]) => ({ step, path }));
  }
}
