// CSV and TSV: a header row, a chosen text column and optional label column, parsed by csv-parse as the bytes stream.
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { LabError } from '../../../common/errors';
import { displayName } from './source';
import type { TextFile } from './stream';
import type { ImportedDoc } from './types';
import type { InvalidLog } from './invalid';
import { LabelColumnCheck } from './labels';

/** column names taken as the text when none is chosen (compared case-insensitively, first match wins) */
export const DEFAULT_TEXT_COLUMNS = ['text', 'content', 'sentence', 'review'];

function findColumn(columns: string[], wanted: string): number {
  const exact = columns.indexOf(wanted);
  if (exact !== -1) return exact;
  const lower = wanted.toLowerCase();
  return columns.findIndex((c) => c.toLowerCase() === lower);
}

/**
 * Index of the text column: the chosen one, else the first of DEFAULT_TEXT_COLUMNS present. Throws a LabError listing
 * the file's columns when there is none.
 */
export function pickTextColumn(columns: string[], path: string, chosen?: string): number {
  const name = displayName(path);
  const list = columns.map((c) => c || '(blank)').join(', ');
  if (chosen !== undefined) {
    const i = findColumn(columns, chosen);
    if (i === -1) throw new LabError('invalid_input', `Column "${chosen}" is not in ${name}; its columns are: ${list}.`, { field: path });
    return i;
  }
  for (const d of DEFAULT_TEXT_COLUMNS) {
    const i = findColumn(columns, d);
    if (i !== -1) return i;
  }
  throw new LabError(
    'invalid_input',
    `${name} has no column named ${DEFAULT_TEXT_COLUMNS.join('/')}; its columns are: ${list}. Choose the text column.`,
    { field: path },
  );
}

export function pickLabelColumn(columns: string[], path: string, chosen?: string): number {
  if (chosen === undefined || chosen === '') return -1;
  const i = findColumn(columns, chosen);
  if (i === -1) {
    throw new LabError('invalid_input', `Column "${chosen}" is not in ${displayName(path)}; its columns are: ${columns.join(', ')}.`, { field: path });
  }
  return i;
}

/** Index of the second text column of a sentence-pair task (-1 when none is chosen); not the text column itself. */
export function pickSecondTextColumn(columns: string[], path: string, textIdx: number, chosen?: string): number {
  if (chosen === undefined || chosen === '') return -1;
  const i = findColumn(columns, chosen);
  if (i === -1) {
    throw new LabError('invalid_input', `Column "${chosen}" (the second text of each pair) is not in ${displayName(path)}; its columns are: ${columns.join(', ')}.`, { field: path });
  }
  if (i === textIdx) {
    throw new LabError('invalid_input', `Column "${chosen}" of ${displayName(path)} is already the text column; choose a different column for the second text of each pair.`, { field: path });
  }
  return i;
}

/** Translates csv-parse's errors into sentences with the line; `lastGoodLine` is where the last complete row ended. */
function csvError(err: CsvError, path: string, lastGoodLine: number, headerLength: number): LabError {
  const name = displayName(path);
  const at = typeof err.lines === 'number' ? err.lines : lastGoodLine + 1;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new LabError(
        'bad_file',
        `Line ${lastGoodLine + 1} of ${name}: a quote opened on or after this line is never closed (a " inside a field must be written as ""): fix the quotes, then import again.`,
        { field: `${path}:${lastGoodLine + 1}` },
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new LabError(
        'bad_file',
        `Line ${at} of ${name}: a closing quote is followed by more characters in the same field (a " inside a quoted field must be written as ""): fix the quotes, then import again.`,
        { field: `${path}:${at}` },
      );
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS': {
      const got = Array.isArray(err.record) ? err.record.length : '?';
      return new LabError(
        'bad_file',
        `Line ${at} of ${name} has ${got} fields but the header has ${headerLength}: look for a missing or extra delimiter or quote on that line.`,
        { field: `${path}:${at}` },
      );
    }
    default:
      return new LabError('bad_file', `Line ${at} of ${name} cannot be read as ${name.toLowerCase().endsWith('.tsv') ? 'TSV' : 'CSV'}: ${err.message}`, {
        field: `${path}:${at}`,
        cause: err,
      });
  }
}

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/**
 * Streams the rows of a CSV/TSV file as raw string arrays; the first yielded row is the header. TSV allows bare
 * quotes inside fields (many TSV writers do not quote).
 */
export async function* delimitedRows(file: TextFile, format: 'csv' | 'tsv'): AsyncGenerator<{ record: string[]; line: number }, void, void> {
  let headerLength = 0;
  const parser = parse({
    delimiter: format === 'tsv' ? '\t' : ',',
    info: true,
    skip_empty_lines: true,
    relax_quotes: format === 'tsv',
    // the header's width is taken as the parser reads it: a bad row right under the header fails before the
    // header reaches the loop below, and the message must still say how many fields the header has
    on_record: (record: string[]) => {
      // with info: true the parser hands over { record, info }, whatever its types say
      const fields = Array.isArray(record) ? record : (record as unknown as ParsedRow).record;
      if (headerLength === 0) headerLength = fields.length;
      return record;
    },
  });
  const src = Readable.from(file.chunks(), { objectMode: false });
  src.on('error', (e) => parser.destroy(e));
  src.pipe(parser);
  let lastGoodLine = 0;
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      lastGoodLine = row.info.lines;
      yield { record: row.record, line: row.info.lines };
    }
  } catch (err) {
    if (err instanceof CsvError) throw csvError(err, file.path, lastGoodLine, headerLength);
    throw err;
  } finally {
    src.destroy();
    parser.destroy();
  }
}

/**
 * Yields one document per row with non-empty text; an empty label cell means unlabelled. With a label column, a
 * labelled row without text is named in `log` (skipped), and labels that mix numbers and text are refused after the
 * last row (see LabelColumnCheck).
 */
export async function* readDelimited(
  file: TextFile,
  format: 'csv' | 'tsv',
  opts: { textColumn?: string; labelColumn?: string; secondTextColumn?: string },
  log: InvalidLog,
): AsyncGenerator<ImportedDoc, void, void> {
  let textIdx = -1;
  let labelIdx = -1;
  let secondIdx = -1;
  let columnNames: string[] = [];
  let header = true;
  let textPlace = '';
  let check: LabelColumnCheck | null = null;
  for await (const { record, line } of delimitedRows(file, format)) {
    if (header) {
      const columns = record.map((c) => c.trim());
      textIdx = pickTextColumn(columns, file.path, opts.textColumn);
      labelIdx = pickLabelColumn(columns, file.path, opts.labelColumn);
      secondIdx = pickSecondTextColumn(columns, file.path, textIdx, opts.secondTextColumn);
      columnNames = columns;
      textPlace = `column "${columns[textIdx]}"`;
      if (labelIdx !== -1) check = new LabelColumnCheck(file.path, `label column "${columns[labelIdx]}"`);
      header = false;
      continue;
    }
    const text = record[textIdx] ?? '';
    const rawLabel = labelIdx === -1 ? '' : (record[labelIdx] ?? '').trim();
    if (text.trim() === '') {
      if (check !== null && rawLabel !== '') check.emptyText(log, line, textPlace, rawLabel);
      continue;
    }
    if (secondIdx !== -1 && (record[secondIdx] ?? '').trim() === '') {
      log.add(file.path, line, `Line ${line} of ${displayName(file.path)} has no second text in column "${columnNames[secondIdx]}", so the pair was left out; fill it in (or delete the row) and import the file again to keep it.`);
      continue;
    }
    if (check !== null && rawLabel !== '') check.label(rawLabel, line);
    yield { text, label: rawLabel === '' ? null : rawLabel, ...(secondIdx === -1 ? {} : { textB: record[secondIdx] }) };
  }
  check?.finish();
}
