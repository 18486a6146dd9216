// A person's own (source, target) pairs from a TSV, CSV or JSONL file — a parallel corpus for the seq2seq experiment.
// Read through the dataset importers' streaming reader (encoding detection, UTF-8 / GB18030 checks, csv-parse), each
// line checked: a missing column, an empty side, a side over the length limit, bad JSON. Every problem names the file,
// the line and the field and says what to do; with skipInvalid the bad lines are left out and counted instead.
import { LabError } from '../../../common/errors';
import { delimitedRows } from '../import/delimited';
import { InvalidLog } from '../import/invalid';
import { displayName, resolveSource } from '../import/source';
import { jsonKind, jsonlRecords } from '../import/jsonl';
import { openTextFile, type TextFile } from '../import/stream';
import type { EncodingChoice, InvalidEntry } from '../import/types';
import type { Pair } from './tasks';

export const PAIR_FILE_FORMATS = ['tsv', 'csv', 'jsonl'] as const;
export type PairFileFormat = typeof PAIR_FILE_FORMATS[number];

/** Column names (or JSON keys) taken as each side when none is chosen, compared case-insensitively. */
const DEFAULT_FIELDS = { source: ['source', 'src', 'input', 'question'], target: ['target', 'tgt', 'output', 'answer'] };

export interface PairFileOptions {
  /** from the extension (.tsv/.tab, .csv, .jsonl/.ndjson) when absent */
  format?: PairFileFormat;
  /** column name (CSV/TSV with a header), 1-based column number (no header), or JSON key; defaults above */
  sourceField?: string;
  targetField?: string;
  /** CSV/TSV: the first row names the columns (default true); without one, columns are 1, 2, … (default 1 and 2) */
  header?: boolean;
  encoding?: EncodingChoice;
  /** the longest side, in characters, a line may have (default 1000): longer lines are refused, not cut */
  maxChars?: number;
  /** leave bad lines out (counted and listed) instead of refusing the file */
  skipInvalid?: boolean;
}

export interface PairFile {
  pairs: Pair[];
  name: string;
  format: PairFileFormat;
  encoding: string;
  sha256: string;
  /** exact (source, target) repeats dropped, so a held-out pair is never also a training pair */
  duplicates: number;
  skippedCount: number;
  skipped: InvalidEntry[];
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Index of a side's column in the header, or in a headerless row by 1-based number; throws naming the columns. */
function columnIndex(columns: string[] | null, width: number, chosen: string | undefined, side: 'source' | 'target', path: string): number {
  const name = displayName(path);
  const flag = `--${side}-column`;
  if (columns === null) {
    const n = chosen === undefined ? (side === 'source' ? 1 : 2) : Number(chosen);
    if (!Number.isInteger(n) || n < 1) {
      throw new LabError('invalid_input', `The ${side} column of ${name} is given as ${JSON.stringify(chosen)}, but a file without a header row names its columns by number (1, 2, …): give a number (${flag}).`, { field: `${side}Field` });
    }
    if (n > width) {
      throw new LabError('bad_file', `Line 1 of ${name} has ${plural(width, 'field')}, so there is no column ${n} for the ${side}: check the delimiter (a TSV needs tabs) or choose another column (${flag}).`, { field: `${path}:1` });
    }
    return n - 1;
  }
  const list = columns.map((c) => c || '(blank)').join(', ');
  const wanted = chosen === undefined ? DEFAULT_FIELDS[side] : [chosen];
  for (const w of wanted) {
    const i = columns.findIndex((c) => c.toLowerCase() === w.toLowerCase());
    if (i !== -1) return i;
  }
  const what = chosen === undefined ? `no ${side} column (looked for ${DEFAULT_FIELDS[side].join('/')})` : `no column "${chosen}" for the ${side}`;
  throw new LabError('bad_file', `${name} has ${what}; its header (line 1) has the columns: ${list}. Choose the ${side} column (${flag}), or say the file has no header row.`, { field: `${path}:1` });
}

interface Sink {
  add(line: number, source: string, target: string): void;
  bad(line: number, message: string): void;
}

async function readDelimitedPairs(file: TextFile, format: 'csv' | 'tsv', opts: PairFileOptions, sink: Sink): Promise<void> {
  let src = -1;
  let tgt = -1;
  let first = true;
  let names: string[] = [];
  for await (const { record, line } of delimitedRows(file, format)) {
    if (first) {
      first = false;
      const header = opts.header !== false;
      const columns = header ? record.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim()) : null;
      src = columnIndex(columns, record.length, opts.sourceField, 'source', file.path);
      tgt = columnIndex(columns, record.length, opts.targetField, 'target', file.path);
      if (src === tgt) {
        throw new LabError('invalid_input', `The source and the target of ${displayName(file.path)} are both column ${src + 1}: choose two different columns.`, { field: 'targetField' });
      }
      names = columns === null ? [`column ${src + 1}`, `column ${tgt + 1}`] : [`"${columns[src]}"`, `"${columns[tgt]}"`];
      if (header) continue;
    }
    if (record.length <= Math.max(src, tgt)) {
      sink.bad(line, `Line ${line} of ${displayName(file.path)} has ${plural(record.length, 'field')}, so its ${record.length <= src ? `source (${names[0]})` : `target (${names[1]})`} is missing: look for a missing delimiter${format === 'tsv' ? ' (tab)' : ''} on that line.`);
      continue;
    }
    sink.add(line, record[src], record[tgt]);
  }
  if (first) throw new LabError('bad_file', `${displayName(file.path)} has no rows: nothing to import.`, { field: file.path });
}

async function readJsonlPairs(file: TextFile, opts: PairFileOptions, sink: Sink): Promise<void> {
  const name = displayName(file.path);
  const keys = { source: opts.sourceField, target: opts.targetField };
  for await (const line of jsonlRecords(file)) {
    const no = line.no;
    if (line.record === null) {
      const what = 'notJson' in line ? `not valid JSON: ${line.notJson}` : `${line.notObject}, not an object`;
      sink.bad(no, `Line ${no} of ${name} is ${what} (expected one object per line, like {"source": "…", "target": "…"}).`);
      continue;
    }
    const rec = line.record;
    const sides: string[] = [];
    let failed = false;
    for (const side of ['source', 'target'] as const) {
      const wanted = keys[side] === undefined ? DEFAULT_FIELDS[side] : [keys[side] as string];
      const key = Object.keys(rec).find((k) => wanted.some((w) => w.toLowerCase() === k.toLowerCase()));
      if (key === undefined) {
        const have = Object.keys(rec);
        sink.bad(no, `Line ${no} of ${name} has no ${side} field (looked for ${wanted.map((w) => `"${w}"`).join('/')}); its fields are: ${have.length > 0 ? have.join(', ') : '(none)'}. Choose the ${side} field (--${side}-column).`);
        failed = true;
        break;
      }
      const v = rec[key];
      if (typeof v !== 'string' && typeof v !== 'number') {
        sink.bad(no, `Line ${no} of ${name} has ${jsonKind(v)} in "${key}" (the ${side}), not a string.`);
        failed = true;
        break;
      }
      sides.push(String(v));
    }
    if (!failed) sink.add(no, sides[0], sides[1]);
  }
}

/** Reads and checks a pair file; throws a LabError for the file as a whole, or for its bad lines unless skipInvalid. */
export async function readPairFile(path: string, opts: PairFileOptions = {}): Promise<PairFile> {
  const resolved = await resolveSource(path, opts.format);
  const format = resolved.format;
  const name = displayName(path);
  if (!(PAIR_FILE_FORMATS as readonly string[]).includes(format)) {
    throw new LabError('bad_file', `${name} is read as ${format}, but pairs come from a TSV, CSV or JSONL file with a source and a target per line: choose one of those formats.`, { field: path });
  }
  const maxChars = opts.maxChars ?? 1000;
  const file = await openTextFile(path, { encoding: opts.encoding ?? 'auto' });
  const log = new InvalidLog();
  const pairs: Pair[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const sink: Sink = {
    bad: (line, message) => log.add(path, line, message),
    add: (line, source, target) => {
      for (const [side, text] of [['source', source], ['target', target]] as const) {
        if (text.trim() === '') {
          log.add(path, line, `Line ${line} of ${name} has an empty ${side}: fill it in or remove the line.`);
          return;
        }
        const chars = Array.from(text).length;
        if (chars > maxChars) {
          log.add(path, line, `Line ${line} of ${name} has a ${side} of ${chars.toLocaleString('en')} characters, over the ${maxChars.toLocaleString('en')}-character limit per side: split or shorten it, or raise the limit (--max-chars).`);
          return;
        }
      }
      const pair = { source: source.trim(), target: target.trim() };
      const key = `${pair.source}\u0000${pair.target}`;
      if (seen.has(key)) {
        duplicates++;
        return;
      }
      seen.add(key);
      pairs.push(pair);
    },
  };
  if (format === 'jsonl') await readJsonlPairs(file, opts, sink);
  else await readDelimitedPairs(file, format as 'csv' | 'tsv', opts, sink);
  if (log.count > 0 && opts.skipInvalid !== true) {
    const numbers = log.entries.slice(0, 10).map((e) => e.line);
    const more = log.count > numbers.length ? ` and ${log.count - numbers.length} more` : '';
    throw new LabError(
      'bad_file',
      `${name} has ${plural(log.count, 'invalid line')} (line${log.count === 1 ? '' : 's'} ${numbers.join(', ')}${more}). ${log.entries[0].message} ` +
        `Fix ${log.count === 1 ? 'it' : 'them'}, or skip invalid lines (CLI: --skip-invalid) to use the ${plural(pairs.length, 'valid pair')}.`,
      { field: `${path}:${numbers[0]}`, details: { invalid: log.entries, invalidCount: log.count, validCount: pairs.length } },
    );
  }
  if (pairs.length === 0) {
    throw new LabError('bad_file', `${name} has no usable pairs${log.count > 0 ? ` (${plural(log.count, 'invalid line')} left out)` : ''}: give it one source and one target per line.`, { field: path });
  }
  return { pairs, name, format: format as PairFileFormat, encoding: file.encoding, sha256: file.sha256(), duplicates, skippedCount: log.count, skipped: log.entries };
}
