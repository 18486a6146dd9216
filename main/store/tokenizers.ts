// The tokenizers table seen from the service: row shapes, the statements prepared once, and rows as API objects.
import type Database from 'better-sqlite3';
import type { TokenizerT } from '../../common/api';
import type { TokenizerKind } from '../../common/tokenizers';

export interface TokenizerRow {
  id: number;
  name: string;
  kind: string;
  dataset_id: number | null;
  vocab_size: number;
  lowercase: number;
  special_tokens_json: string;
  unk_rate: number | null;
  tokens_per_char: number | null;
  created_at: string;
}

export interface NewTokenizerRow {
  name: string;
  kind: TokenizerKind;
  datasetId: number | null;
  vocabSize: number;
  lowercase: boolean;
  specialTokens: string[];
  json: string;
  frequencies: number[];
  unkRate: number | null;
  tokensPerChar: number | null;
}

const SUMMARY_COLUMNS = 'id, name, kind, dataset_id, vocab_size, lowercase, special_tokens_json, unk_rate, tokens_per_char, created_at';

export function toTokenizer(row: TokenizerRow): TokenizerT {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as TokenizerKind,
    datasetId: row.dataset_id,
    vocabSize: row.vocab_size,
    lowercase: row.lowercase === 1,
    specialTokens: JSON.parse(row.special_tokens_json) as string[],
    createdAt: row.created_at,
    unkRate: row.unk_rate,
    tokensPerChar: row.tokens_per_char,
  };
}

/** Every statement the tokenizer service runs, prepared once per connection. */
export class TokenizerQueries {
  readonly all: Database.Statement<[], TokenizerRow>;
  readonly ofDataset: Database.Statement<[number], TokenizerRow>;
  readonly byId: Database.Statement<[number], TokenizerRow>;
  readonly nameAndJson: Database.Statement<[number], { name: string; tokenizer_json: string }>;
  readonly json: Database.Statement<[number], { tokenizer_json: string }>;
  readonly frequencies: Database.Statement<[number], { frequencies_json: string }>;
  readonly nameTaken: Database.Statement<[string], { name: string }>;
  /** the id of a tokenizer of this name, kind and dataset (a run's automatic tokenizer is reused) */
  readonly idOf: Database.Statement<[string, string, number], number>;
  readonly remove: Database.Statement<[number]>;
  private readonly insertStmt: Database.Statement<unknown[]>;

  constructor(db: Database.Database) {
    this.all = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM tokenizers ORDER BY id`);
    this.ofDataset = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM tokenizers WHERE dataset_id = ? ORDER BY id`);
    this.byId = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM tokenizers WHERE id = ?`);
    this.nameAndJson = db.prepare('SELECT name, tokenizer_json FROM tokenizers WHERE id = ?');
    this.json = db.prepare('SELECT tokenizer_json FROM tokenizers WHERE id = ?');
    this.frequencies = db.prepare('SELECT frequencies_json FROM tokenizers WHERE id = ?');
    this.nameTaken = db.prepare('SELECT name FROM tokenizers WHERE name = ?');
    this.idOf = db.prepare<[string, string, number], number>('SELECT id FROM tokenizers WHERE name = ? AND kind = ? AND dataset_id = ?').pluck();
    this.remove = db.prepare('DELETE FROM tokenizers WHERE id = ?');
    this.insertStmt = db.prepare(`INSERT INTO tokenizers (name, kind, dataset_id, vocab_size, lowercase, special_tokens_json, tokenizer_json,
      frequencies_json, unk_rate, tokens_per_char, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /** Inserts a tokenizer and returns its id; a taken name throws SQLite's SQLITE_CONSTRAINT_UNIQUE. */
  insert(t: NewTokenizerRow): number {
    return Number(this.insertStmt.run(t.name, t.kind, t.datasetId, t.vocabSize, t.lowercase ? 1 : 0, JSON.stringify(t.specialTokens), t.json,
      JSON.stringify(t.frequencies), t.unkRate, t.tokensPerChar, new Date().toISOString()).lastInsertRowid);
  }
}
