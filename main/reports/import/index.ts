// Reads external runs from a TensorBoard log folder or event file, a CSV/TSV file or a JSONL file (format by name or content).
import fs from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';
import { isEventFileName, readEventRuns } from '../tfevents/reader';
import { readCsvRuns } from './csv';
import { readJsonlRuns } from './jsonl';
import type { ExternalFormat, ExternalReadResult } from './types';

export type { ExternalFormat, ExternalReadResult, ExternalRunData, ExternalSeries, ImportProblem } from './types';

/** The format a path is read as: a folder or an events.out.tfevents.* file → tfevents, .csv/.tsv → csv, .jsonl/.ndjson/.json → jsonl. */
export function detectFormat(target: string): ExternalFormat {
  const stat = fs.statSync(target);
  if (stat.isDirectory() || isEventFileName(path.basename(target))) return 'tfevents';
  if (/\.(csv|tsv)$/i.test(target)) return 'csv';
  if (/\.(jsonl|ndjson|json|log)$/i.test(target)) return 'jsonl';
  throw new LabError('invalid_input', `Cannot tell what ${path.basename(target)} holds from its name: give a folder of TensorBoard event files, an events.out.tfevents.* file, a .csv/.tsv or a .jsonl file (or say --format tfevents|csv|jsonl).`, { field: 'path' });
}

export async function readExternalRuns(target: string, opts: { format?: ExternalFormat | 'auto' } = {}): Promise<ExternalReadResult> {
  const abs = path.resolve(target);
  if (!fs.existsSync(abs)) throw new LabError('not_found', `There is no file or folder at ${abs}.`, { field: 'path' });
  const format = opts.format === undefined || opts.format === 'auto' ? detectFormat(abs) : opts.format;
  if (format !== 'tfevents' && fs.statSync(abs).isDirectory()) {
    throw new LabError('invalid_input', `${abs} is a folder; a ${format.toUpperCase()} import needs a file.`, { field: 'path' });
  }
  switch (format) {
    case 'tfevents':
      return readEventRuns(abs);
    case 'csv':
      return readCsvRuns(abs);
    case 'jsonl':
      return readJsonlRuns(abs);
  }
}
