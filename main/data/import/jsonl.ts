// JSON Lines: one object per line with a text field and an optional label field; bad lines are collected by number.
import { LabError } from '../../../common/errors';
import type { InvalidLog } from './invalid';
import { displayName } from './source';
import { lines, type TextFile } from './stream';
import type { ImportedDoc } from './types';

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
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
  opts: { textField?: string; labelField?: string; skipInvalid?: boolean },
  log: InvalidLog,
): AsyncGenerator<ImportedDoc, void, void> {
  const name = displayName(file.path);
  const textField = opts.textField ?? 'text';
  const firstInvalid = log.count;
  const firstKept = log.entries.length;
  let valid = 0;
  for await (const { line, no } of lines(file.chunks())) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(no === 1 && trimmed.startsWith('\uFEFF') ? trimmed.slice(1) : trimmed);
    } catch (err) {
      log.add(file.path, no, `Line ${no} of ${name} is not valid JSON: ${(err as Error).message} (expected one object per line).`);
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      log.add(file.path, no, `Line ${no} of ${name} is ${jsonKind(obj)}, not an object (expected one object per line, like {"${textField}": "…"}).`);
      continue;
    }
    const rec = obj as Record<string, unknown>;
    if (!(textField in rec)) {
      const keys = Object.keys(rec);
      log.add(file.path, no, `Line ${no} of ${name} has no "${textField}" field; its fields are: ${keys.length > 0 ? keys.join(', ') : '(none)'}. Choose the text field.`);
      continue;
    }
    const text = rec[textField];
    if (typeof text !== 'string') {
      log.add(file.path, no, `Line ${no} of ${name} has ${jsonKind(text)} in "${textField}", not a string.`);
      continue;
    }
    const labelKey = opts.labelField ?? 'label';
    const label = toLabel(rec[labelKey]);
    if (label === undefined) {
      log.add(file.path, no, `Line ${no} of ${name} has ${jsonKind(rec[labelKey])} in "${labelKey}"; a label must be a string or a number.`);
      continue;
    }
    if (text.trim() === '') continue;
    valid++;
    yield { text, label };
  }
  const invalid = log.count - firstInvalid;
  if (invalid > 0 && opts.skipInvalid !== true) {
    const listed = log.entries.slice(firstKept);
    const numbers = listed.slice(0, 10).map((e) => e.line);
    const more = invalid > numbers.length ? ` and ${invalid - numbers.length} more` : '';
    throw new LabError(
      'bad_file',
      `${name} has ${invalid} invalid line${invalid === 1 ? '' : 's'} (line${invalid === 1 ? '' : 's'} ${numbers.join(', ')}${more}). ` +
        `${listed[0]?.message ?? ''} Fix ${invalid === 1 ? 'it' : 'them'}, or re-run with skipInvalid (CLI: --skip-invalid) to import the ${valid} valid line${valid === 1 ? '' : 's'}.`,
      { field: `${file.path}:${numbers[0] ?? 0}`, details: { invalid: listed, invalidCount: invalid, validCount: valid } },
    );
  }
}
