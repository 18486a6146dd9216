// The dataset tables seen from the service: row shapes, the prepared statements, and rows turned into API objects.
import type Database from 'better-sqlite3';
import type { DatasetStatsT, DatasetT, DocumentRowT, SplitInfoT } from '../../common/api';

/** datasets LEFT JOIN splits, as read by DatasetQueries */
export interface DatasetRow {
  id: number;
  name: string;
  source_path: string;
  format: string;
  encoding: string;
  sha256: string;
  options_json: string;
  stats_json: string;
  status: 'importing' | 'ready' | 'deleting';
  created_at: string;
  split_seed: number | null;
  split_train: number | null;
  split_validation: number | null;
  split_test: number | null;
  split_stratified: number | null;
  split_counts_json: string | null;
  split_created_at: string | null;
  /** documents with a second text (a sentence-pair dataset has some) */
  pairs: number;
}

export interface DocumentDbRow {
  id: number;
  idx: number;
  text: string;
  label: string | null;
  split: 'train' | 'validation' | 'test' | null;
  /** the second text of a sentence pair (null for an ordinary document) */
  text_b: string | null;
}

/** What an import writes per document: [dataset_id, idx, text, label, chars]. */
/** dataset id, idx, text, label, chars, second text of a pair (null for an ordinary document) */
export type DocumentInsert = [number, number, string, string | null, number, string | null];

const SELECT_DATASET = `
  SELECT d.id, d.name, d.source_path, d.format, d.encoding, d.sha256, d.options_json, d.stats_json, d.status, d.created_at,
         s.seed AS split_seed, s.train AS split_train, s.validation AS split_validation, s.test AS split_test,
         s.stratified AS split_stratified, s.counts_json AS split_counts_json, s.created_at AS split_created_at,
         (SELECT count(*) FROM documents p WHERE p.dataset_id = d.id AND p.text_b IS NOT NULL) AS pairs
    FROM datasets d LEFT JOIN splits s ON s.dataset_id = d.id`;

/** Every fixed statement the dataset service runs, prepared once per connection. */
export class DatasetQueries {
  readonly listReady: Database.Statement<[], DatasetRow>;
  readonly byId: Database.Statement<[number], DatasetRow>;
  readonly byName: Database.Statement<[string], { id: number; name: string; status: string }>;
  readonly readyBySha: Database.Statement<[string], { id: number; name: string }>;
  readonly readyBySample: Database.Statement<[string], { id: number; name: string }>;
  readonly insertImporting: Database.Statement<[string, string, string, string, string, string, string, string, number, string]>;
  readonly insertDocument: Database.Statement<DocumentInsert>;
  readonly heartbeat: Database.Statement<[string, number]>;
  readonly markReady: Database.Statement<[string, string, string, string, number]>;
  readonly remove: Database.Statement<[number]>;
  readonly setStatus: Database.Statement<[string, number]>;
  readonly rename: Database.Statement<[string, number]>;
  readonly labelsInOrder: Database.Statement<[number], { id: number; label: string | null }>;
  readonly setSplit: Database.Statement<[string, number]>;
  readonly upsertSplit: Database.Statement<[number, number, number, number, number, number, string, string]>;
  readonly exportPage: Database.Statement<[number, number, number], DocumentDbRow>;
  /** format and options of a dataset (is it one continuous text?) */
  readonly shape: Database.Statement<[number], { format: string; options_json: string }>;
  /** the documents of one split in order: training, tokenizer training and held-out measuring read them */
  readonly splitTexts: Database.Statement<[number, string], { idx: number; text: string; chars: number }>;
  /** every document of a dataset in order, split or not (static embeddings train on all of it) */
  readonly allTexts: Database.Statement<[number], { idx: number; text: string }>;
  /** the texts and labels of one split in order: what a fine-tune (and its baseline) classifies */
  readonly splitLabelled: Database.Statement<[number, string], { text: string; label: string | null; text_b: string | null }>;
  /** the documents of one split in order with their second texts: a seq2seq experiment's pairs (text -> text_b) */
  readonly splitPairs: Database.Statement<[number, string], { id: number; text: string; text_b: string | null }>;
  readonly countInSplit: Database.Statement<[number, string], number>;
  readonly countSplit: Database.Statement<[number], number>;
  /** a dataset by exact id or by name ignoring case, a ready one first (runs name datasets either way) */
  readonly statusByRef: Database.Statement<[string, number], { name: string; status: string }>;
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    this.listReady = db.prepare(`${SELECT_DATASET} WHERE d.status = 'ready' ORDER BY d.id DESC`);
    this.byId = db.prepare(`${SELECT_DATASET} WHERE d.id = ?`);
    this.byName = db.prepare('SELECT id, name, status FROM datasets WHERE name = ?');
    this.readyBySha = db.prepare(`SELECT id, name FROM datasets WHERE sha256 = ? AND status = 'ready' ORDER BY id LIMIT 1`);
    this.readyBySample = db.prepare(`SELECT id, name FROM datasets WHERE status = 'ready' AND json_extract(options_json, '$.sample') = ? ORDER BY id LIMIT 1`);
    // the importing process (owner_pid, owner_host) is recorded: recovery removes the row at once if it is gone
    this.insertImporting = db.prepare(`INSERT INTO datasets (name, source_path, format, encoding, sha256, options_json, stats_json, status, created_at, heartbeat_at,
        owner_pid, owner_host) VALUES (?, ?, ?, ?, ?, ?, '{}', 'importing', ?, ?, ?, ?)`);
    this.insertDocument = db.prepare('INSERT INTO documents (dataset_id, idx, text, label, chars, text_b) VALUES (?, ?, ?, ?, ?, ?)');
    this.heartbeat = db.prepare('UPDATE datasets SET heartbeat_at = ? WHERE id = ?');
    this.markReady = db.prepare(`UPDATE datasets SET status = 'ready', format = ?, encoding = ?, sha256 = ?, stats_json = ?, heartbeat_at = NULL WHERE id = ?`);
    this.remove = db.prepare('DELETE FROM datasets WHERE id = ?');
    this.setStatus = db.prepare('UPDATE datasets SET status = ? WHERE id = ?');
    this.rename = db.prepare('UPDATE datasets SET name = ? WHERE id = ?');
    this.labelsInOrder = db.prepare('SELECT id, label FROM documents WHERE dataset_id = ? ORDER BY idx');
    this.setSplit = db.prepare('UPDATE documents SET split = ? WHERE id = ?');
    this.upsertSplit = db.prepare(`INSERT INTO splits (dataset_id, seed, train, validation, test, stratified, counts_json, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (dataset_id) DO UPDATE SET seed = excluded.seed, train = excluded.train, validation = excluded.validation,
        test = excluded.test, stratified = excluded.stratified, counts_json = excluded.counts_json, created_at = excluded.created_at`);
    // keyset paging (idx > last) keeps each page an index seek however deep the export is
    this.exportPage = db.prepare('SELECT id, idx, text, label, split, text_b FROM documents WHERE dataset_id = ? AND idx > ? ORDER BY idx LIMIT ?');
    this.shape = db.prepare('SELECT format, options_json FROM datasets WHERE id = ?');
    this.splitTexts = db.prepare('SELECT idx, text, chars FROM documents WHERE dataset_id = ? AND split = ? ORDER BY idx');
    this.allTexts = db.prepare('SELECT idx, text FROM documents WHERE dataset_id = ? ORDER BY idx');
    this.splitLabelled = db.prepare('SELECT text, label, text_b FROM documents WHERE dataset_id = ? AND split = ? ORDER BY idx');
    this.splitPairs = db.prepare('SELECT id, text, text_b FROM documents WHERE dataset_id = ? AND split = ? ORDER BY idx');
    this.countInSplit = db.prepare<[number, string], number>('SELECT count(*) FROM documents WHERE dataset_id = ? AND split = ?').pluck();
    this.countSplit = db.prepare<[number], number>('SELECT count(*) FROM documents WHERE dataset_id = ? AND split IS NOT NULL').pluck();
    this.statusByRef = db.prepare(`SELECT name, status FROM datasets WHERE name = ? COLLATE NOCASE OR id = ? ORDER BY status = 'ready' DESC LIMIT 1`);
  }

  /** One page of a dataset's documents, optionally of one split and matching a literal search, with the total. */
  documents(f: { id: number; split?: string; search?: string; limit: number; offset: number }): { total: number; rows: DocumentDbRow[] } {
    // The WHERE clause is assembled from fixed fragments; every value is a bound parameter.
    const where = ['dataset_id = ?'];
    const params: (string | number)[] = [f.id];
    if (f.split !== undefined) {
      where.push('split = ?');
      params.push(f.split);
    }
    if (f.search !== undefined && f.search !== '') {
      // a pair matches by either of its texts
      where.push(`(text LIKE ? ESCAPE '\\' OR text_b LIKE ? ESCAPE '\\')`);
      params.push(likePattern(f.search), likePattern(f.search));
    }
    const filter = where.join(' AND ');
    const total = this.db.prepare(`SELECT count(*) FROM documents WHERE ${filter}`).pluck().get(...params) as number;
    const rows = this.db.prepare(`SELECT id, idx, text, label, split, text_b FROM documents WHERE ${filter} ORDER BY idx LIMIT ? OFFSET ?`)
      .all(...params, f.limit, f.offset) as DocumentDbRow[];
    return { total, rows };
  }
}

/** A txt/md file imported in 'whole' mode: its documents are consecutive segments of one text, in idx order,
 *  so it is split by position and concatenated again for training. */
export function isContinuousText(row: Pick<DatasetRow, 'format' | 'options_json'>): boolean {
  if (row.format !== 'txt' && row.format !== 'md') return false;
  const options = JSON.parse(row.options_json) as { mode?: string };
  return options.mode === 'whole';
}

export function toSplitInfo(row: DatasetRow): SplitInfoT | null {
  if (row.split_seed === null || row.split_counts_json === null || row.split_created_at === null) return null;
  return {
    seed: row.split_seed,
    ratios: { train: row.split_train ?? 0, validation: row.split_validation ?? 0, test: row.split_test ?? 0 },
    stratified: row.split_stratified === 1,
    counts: JSON.parse(row.split_counts_json) as SplitInfoT['counts'],
    createdAt: row.split_created_at,
  };
}

export function toDataset(row: DatasetRow): DatasetT {
  return {
    id: row.id,
    name: row.name,
    sourcePath: row.source_path,
    format: row.format,
    encoding: row.encoding,
    sha256: row.sha256,
    createdAt: row.created_at,
    stats: JSON.parse(row.stats_json) as DatasetStatsT,
    split: toSplitInfo(row),
    pairs: row.pairs,
  };
}

export function toDocument(row: DocumentDbRow): DocumentRowT {
  return { id: row.id, index: row.idx, text: row.text, label: row.label, split: row.split, textB: row.text_b };
}

/** `%` and `_` are LIKE wildcards; escaping them (and the escape character) makes a search match literally. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
