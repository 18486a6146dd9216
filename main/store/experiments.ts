// The experiments table and the comparison artifacts it keeps: row shapes and every statement, prepared once.
import type Database from 'better-sqlite3';

export interface ExperimentRow {
  id: number;
  name: string;
  dataset_id: number | null;
  dataset_name: string | null;
  tokenizer_id: number | null;
  tokenizer_name: string | null;
  budget_json: string;
  created_at: string;
}

export interface NewExperimentRow {
  name: string;
  description: string;
  datasetId: number;
  tokenizerId: number;
  budgetJson: string;
}

const SELECT = `SELECT e.*, d.name AS dataset_name, t.name AS tokenizer_name FROM experiments e
  LEFT JOIN datasets d ON d.id = e.dataset_id LEFT JOIN tokenizers t ON t.id = e.tokenizer_id`;

export class ExperimentQueries {
  readonly byId: Database.Statement<[number], ExperimentRow>;
  private readonly listIdsStmt: Database.Statement<[], number>;
  private readonly namesStmt: Database.Statement<[], string>;
  private readonly nameStmt: Database.Statement<[number], string>;
  private readonly insertStmt: Database.Statement<unknown[]>;
  private readonly comparisonStmt: Database.Statement<[string], string>;
  /** Records a comparison file as a lab artifact (replacing an older record) and stamps the experiment, in one transaction. */
  readonly recordComparison: (id: number, path: string, bytes: number, measuredAt: string) => void;

  constructor(db: Database.Database) {
    // BERT-vs-GPT comparisons only: the seq2seq experiments (kind 'seq2seq') have their own rows in store/seq2seq.ts
    this.byId = db.prepare(`${SELECT} WHERE e.id = ? AND e.kind = 'bert-vs-gpt'`);
    this.listIdsStmt = db.prepare<[], number>("SELECT id FROM experiments WHERE archived = 0 AND kind = 'bert-vs-gpt' ORDER BY id").pluck();
    this.namesStmt = db.prepare<[], string>('SELECT lower(name) FROM experiments').pluck();
    this.nameStmt = db.prepare<[number], string>('SELECT name FROM experiments WHERE id = ?').pluck();
    this.insertStmt = db.prepare(`INSERT INTO experiments (name, description, dataset_id, tokenizer_id, budget_json, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.comparisonStmt = db.prepare<[string], string>("SELECT path FROM artifacts WHERE run_id IS NULL AND kind = 'comparison' AND path = ?").pluck();
    const removeOld = db.prepare("DELETE FROM artifacts WHERE run_id IS NULL AND kind = 'comparison' AND path = ?");
    const insertArtifact = db.prepare("INSERT INTO artifacts (run_id, kind, path, sha256, bytes, step, meta_json, created_at) VALUES (NULL, 'comparison', ?, '', ?, NULL, ?, ?)");
    const touch = db.prepare('UPDATE experiments SET updated_at = ? WHERE id = ?');
    this.recordComparison = db.transaction((id: number, path: string, bytes: number, measuredAt: string) => {
      removeOld.run(path);
      insertArtifact.run(path, bytes, JSON.stringify({ experimentId: id }), measuredAt);
      touch.run(measuredAt, id);
    });
  }

  /** Ids of the experiments not archived, oldest first. */
  listIds(): number[] {
    return this.listIdsStmt.all();
  }

  /** Every experiment name, lower-cased (names are unique ignoring case). */
  lowerNames(): Set<string> {
    return new Set(this.namesStmt.all());
  }

  /** The name of an experiment of any kind (a comparison, a seq2seq, a fine-tune or scale experiment), or undefined. */
  nameOf(id: number): string | undefined {
    return this.nameStmt.get(id);
  }

  insert(e: NewExperimentRow): number {
    const now = new Date().toISOString();
    return Number(this.insertStmt.run(e.name, e.description, e.datasetId, e.tokenizerId, e.budgetJson, now, now).lastInsertRowid);
  }

  /** The recorded comparison file of an experiment (relative to the lab home), or undefined. */
  comparisonPath(path: string): string | undefined {
    return this.comparisonStmt.get(path);
  }
}
