// JSON Lines: one object per line with a text field and an optional label field; bad lines are collected by number,
// labelled lines without text are named, and labels mixing numbers and text are refused (LabelColumnCheck).
import { LabError } from '../../../common/errors';
import type { InvalidLog } from './invalid';
import { displayName } from './source';
import { LabelColumnCheck } from './labels';
import { lines, type TextFile } from './stream';
import { MAX_INVALID_KEPT, type ImportedDoc, type InvalidEntry } from './types';

/** What a JSON value is, for sentences: "null", "an array", "an object", "a string", "a number", … */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** One non-blank line of a JSONL file: its object, or why it is not one (the caller phrases the sentence). */
export type JsonlRecord =
  | { no: number; record: Record<string, unknown> }
  | { no: number; record: null; notJson: string }
  | { no: number; record: null; notObject: string };

/**
 * Every non-blank line of a JSONL file, in order, with its 1-based line number: the object it holds, or the JSON.parse
 * message (notJson), or what it holds instead of an object (notObject, as jsonKind says it). Lines are trimmed, and a
 * byte-order mark before the first line is dropped. The dataset import and the seq2seq pair files read through this.
 */
export async function* jsonlRecords(file: TextFile): AsyncGenerator<JsonlRecord, void, void> {
  for await (const { line, no } of lines(file.chunks())) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(no === 1 && trimmed.startsWith('\uFEFF') ? trimmed.slice(1) : trimmed);
    } catch (err) {
      yield { no, record: null, notJson: (err as Error).message };
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) yield { no, record: null, notObject: jsonKind(obj) };
    else yield { no, record: obj as Record<string, unknown> };
  }
}

/** A label may be a string, a number or a boolean (0/1 labels are common); null/absent means unlabelled. */
function toLabel(v: unknown): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/**
 * Yields a document per valid line; empty lines and lines whose text is empty are skipped silently. Invalid lines go to
 * `log`. When there are any and `skipInvalid` is off, it throws after the last line — every document was already
 * yielded by then, so the caller must treat the import as failed (e.g. roll back its transaction).
 */
export async function* readJsonl(
  file: TextFile,
  opts: { textField?: string; labelField?: string; secondTextField?: string; skipInvalid?: boolean },
  log: InvalidLog,
): AsyncGenerator<ImportedDoc, void, void> {
  const name = displayName(file.path);
  const textField = opts.textField ?? 'text';
  // invalid lines refuse the file (unless skipInvalid); labelled lines without text are only named, so they are counted apart
  let invalid = 0;
  const listed: InvalidEntry[] = [];
  const bad = (no: number, message: string): void => {
    invalid++;
    if (listed.length < MAX_INVALID_KEPT) listed.push({ file: file.path, line: no, message });
    log.add(file.path, no, message);
  };
  const labelKey = opts.labelField ?? 'label';
  const check = new LabelColumnCheck(file.path, `label field "${labelKey}"`);
  let valid = 0;
  for await (const line of jsonlRecords(file)) {
    const no = line.no;
    if (line.record === null) {
      bad(no, 'notJson' in line
        ? `Line ${no} of ${name} is not valid JSON: ${line.notJson} (expected one object per line).`
        : `Line ${no} of ${name} is ${line.notObject}, not an object (expected one object per line, like {"${textField}": "…"}).`);
      continue;
    }
    const rec = line.record;
    if (!(textField in rec)) {
      const keys = Object.keys(rec);
      bad(no, `Line ${no} of ${name} has no "${textField}" field; its fields are: ${keys.length > 0 ? keys.join(', ') : '(none)'}. Choose the text field.`);
      continue;
    }
    const text = rec[textField];
    if (typeof text !== 'string') {
      bad(no, `Line ${no} of ${name} has ${jsonKind(text)} in "${textField}", not a string.`);
      continue;
    }
    const label = toLabel(rec[labelKey]);
    if (label === undefined) {
      bad(no, `Line ${no} of ${name} has ${jsonKind(rec[labelKey])} in "${labelKey}"; a label must be a string or a number.`);
      continue;
    }
    if (text.trim() === '') {
      if (label !== null) check.emptyText(log, no, `"${textField}"`, label);
      continue;
    }
    const second = opts.secondTextField;
    if (second !== undefined && second !== '') {
      const textB = rec[second];
      if (typeof textB !== 'string' || textB.trim() === '') {
        // a pair without its second text is named and left out, like a labelled line without text
        const what = typeof textB === 'string' ? 'an empty string' : textB === undefined ? 'nothing' : jsonKind(textB);
        log.add(file.path, no, `Line ${no} of ${name} has ${what} in "${second}" (the second text of each pair), so the pair was left out; fill it in and import the file again to keep it.`);
        continue;
      }
      if (label !== null) check.label(label.trim(), no);
      valid++;
      yield { text, label, textB };
      continue;
    }
    if (label !== null) check.label(label.trim(), no);
    valid++;
    yield { text, label };
  }
  if (invalid > 0 && opts.skipInvalid !== true) {
    const numbers = listed.slice(0, 10).map((e) => e.line);
    const more = invalid > numbers.length ? ` and ${invalid - numbers.length} more` : '';
    throw new LabError(
      'bad_file',
      `${name} has ${invalid} invalid line${invalid === 1 ? '' : 's'} (line${invalid === 1 ? '' : 's'} ${numbers.join(', ')}${more}). ` +
        `${listed[0]?.message ?? ''} Fix ${invalid === 1 ? 'it' : 'them'}, or re-run with skipInvalid (CLI: --skip-invalid) to import the ${valid} valid line${valid === 1 ? '' : 's'}.`,
      { field: `${file.path}:${numbers[0] ?? 0}`, details: { invalid: listed, invalidCount: invalid, validCount: valid } },
    );
  }
  check.finish();
}
