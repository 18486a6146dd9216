// readDocuments: streams any supported source (file or folder) as documents and returns the import summary.
import { LabError } from '../../../common/errors';
import { readDelimited } from './delimited';
import { readFolder } from './folder';
import { InvalidLog } from './invalid';
import { readJsonl } from './jsonl';
import { readPlain } from './plain';
import { displayName, resolveSource } from './source';
import { openTextFile, type TextFile } from './stream';
import type { ImportedDoc, ImportFormat, ImportOptions, ImportSummary, ProgressFn } from './types';

function docsOf(file: TextFile, format: Exclude<ImportFormat, 'folder'>, opts: ImportOptions, log: InvalidLog): AsyncGenerator<ImportedDoc, void, void> {
  switch (format) {
    case 'txt':
    case 'md':
      return readPlain(file, opts.mode ?? 'paragraphs');
    case 'csv':
    case 'tsv':
      return readDelimited(file, format, opts, log);
    case 'jsonl':
      return readJsonl(file, opts, log);
  }
}

/** Progress at most once per PROGRESS_STEP bytes (reads are 32 KB; callers forward progress as UI events), plus the end. */
const PROGRESS_STEP = 1 << 20;

function throttled(onProgress?: ProgressFn): ProgressFn | undefined {
  if (onProgress === undefined) return undefined;
  let last = -Infinity;
  return (done, total) => {
    if (done - last >= PROGRESS_STEP || done >= total) {
      last = done;
      onProgress(done, total);
    }
  };
}

function nothingToImport(path: string, format: ImportFormat, log: InvalidLog): LabError {
  const name = displayName(path);
  const why: Record<ImportFormat, string> = {
    txt: `${name} holds only blank lines: nothing to import.`,
    md: `${name} holds only blank lines: nothing to import.`,
    csv: `${name} has no rows with text in its text column: nothing to import (check the column you chose).`,
    tsv: `${name} has no rows with text in its text column: nothing to import (check the column you chose).`,
    jsonl: `${name} has no valid lines with text: nothing to import.`,
    folder:
      log.count > 0
        ? `Every file in ${name} was skipped (${log.count} binary, empty or unreadable file${log.count === 1 ? '' : 's'}, e.g. ${log.entries[0].file}): nothing to import.`
        : `The text files in ${name} are all blank: nothing to import.`,
  };
  return new LabError('bad_file', why[format], { field: path, details: { invalid: log.entries, invalidCount: log.count } });
}

/**
 * Streams the documents of a file or folder in bounded memory (one document at a time; 'whole' mode holds one file's
 * text). The generator's return value is the summary (format, encoding used, sha256 of the bytes, invalid entries).
 * Throws LabError ('bad_file' / 'invalid_input', field = path or "path:line") for anything that cannot be imported;
 * an error can come after some documents were yielded (e.g. invalid JSONL lines, a file that vanishes), so callers
 * should write documents in a transaction and roll back on error.
 */
export async function* readDocuments(path: string, opts: ImportOptions = {}, onProgress?: ProgressFn): AsyncGenerator<ImportedDoc, ImportSummary, void> {
  const src = await resolveSource(path, opts.format);
  const progress = throttled(onProgress);
  const log = new InvalidLog();
  let docs = 0;
  let summary: Omit<ImportSummary, 'invalid' | 'invalidCount'>;

  if (src.format === 'folder') {
    const gen = readFolder(path, opts, log, progress);
    let step = await gen.next();
    while (step.done !== true) {
      docs++;
      yield step.value;
      step = await gen.next();
    }
    summary = { format: 'folder', ...step.value };
  } else {
    const file = await openTextFile(path, { encoding: opts.encoding, onBytes: (d) => progress?.(d, src.bytes) });
    for await (const doc of docsOf(file, src.format, opts, log)) {
      docs++;
      yield opts.transform ? { text: opts.transform(doc.text, path), label: doc.label } : doc;
    }
    summary = { format: src.format, encoding: file.encoding, sha256: file.sha256(), bytes: file.bytes, files: 1 };
  }
  if (docs === 0) throw nothingToImport(path, src.format, log);
  return { ...summary, invalid: log.entries, invalidCount: log.count };
}
