// The seq2seq experiments' rows: experiments of kind 'seq2seq' (budget_json holds their setup and what the pairs
// became); statements prepared once.
import type Database from 'better-sqlite3';

export interface Seq2seqExperimentRow {
  id: number;
  name: string;
  budget_json: string;
  created_at: string;
}

export class Seq2seqQueries {
  private readonly byIdStmt: Database.Statement<[number], Seq2seqExperimentRow>;
  private readonly listStmt: Database.Statement<[], Seq2seqExperimentRow>;
  private readonly namesStmt: Database.Statement<[], string>;
  private readonly insertStmt: Database.Statement<unknown[]>;

  constructor(db: Database.Database) {
    this.byIdStmt = db.prepare("SELECT id, name, budget_json, created_at FROM experiments WHERE id = ? AND kind = 'seq2seq'");
    this.listStmt = db.prepare("SELECT id, name, budget_json, created_at FROM experiments WHERE kind = 'seq2seq' AND archived = 0 ORDER BY id");
    this.namesStmt = db.prepare<[], string>('SELECT lower(name) FROM experiments').pluck();
    this.insertStmt = db.prepare(`INSERT INTO experiments (name, description, kind, budget_json, created_at, updated_at)
      VALUES (?, ?, 'seq2seq', ?, ?, ?)`);
  }

  byId(id: number): Seq2seqExperimentRow | undefined {
    return this.byIdStmt.get(id);
  }

  list(): Seq2seqExperimentRow[] {
    return this.listStmt.all();
  }

  /** Every experiment name, lower-cased (names are unique ignoring case, across kinds). */
  lowerNames(): Set<string> {
    return new Set(this.namesStmt.all());
  }

  insert(name: string, description: string, budgetJson: string): number {
    const now = new Date().toISOString();
    return Number(this.insertStmt.run(name, description, budgetJson, now, now).lastInsertRowid);
  }
}
