// Reads scalar series from a CSV/TSV log: long (run?, key, step, value, time?) or wide (step plus one column per metric).
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse';
import { LabError } from '../../../common/errors';
import { columnRoles, numberCell, STEP_NAMES, timeCell } from './columns';
import { SeriesCollector, type ExternalReadResult, type ImportProblem } from './types';

const MAX_PROBLEMS = 200;

/**
 * Streams the file through csv-parse, one row at a time. Rows with an unreadable step or value are skipped and named
 * (line number); a file without a step column, or with neither a value column nor any metric column, throws naming
 * the columns found. Each distinct `run` value becomes its own run (the lab's own CSV export round-trips).
 */
export async function readCsvRuns(file: string): Promise<ExternalReadResult> {
  const abs = path.resolve(file);
  const base = path.basename(abs).replace(/\.(csv|tsv|txt)$/i, '');
  const delimiter = /\.tsv$/i.test(abs) ? '\t' : ',';
  const parser = fs.createReadStream(abs).pipe(parse({ delimiter, bom: true, relax_quotes: true, skip_empty_lines: true, info: true }));
  const runs = new Map<string, SeriesCollector>();
  const problems: ImportProblem[] = [];
  let skipped = 0;
  const skip = (line: number, message: string): void => {
    skipped += 1;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: abs, where: `line ${line}`, message });
  };
  let header: string[] | null = null;
  let roles: ReturnType<typeof columnRoles> | null = null;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const cells = row.record;
      const line = row.info.lines;
      if (header === null) {
        header = cells;
        roles = columnRoles(header);
        const list = header.map((c) => `"${c}"`).join(', ');
        if (roles.step === -1) {
          throw new LabError('invalid_input', `${path.basename(abs)} has no step column (${STEP_NAMES.slice(0, 4).join(', ')}); its columns are: ${list}. Name the column that counts training steps "step".`, { field: 'path' });
        }
        if (roles.value === -1 && roles.metrics.length === 0) {
          throw new LabError('invalid_input', `${path.basename(abs)} has a step column but no value column and no metric columns; its columns are: ${list}. Add a "value" column (with "key"), or one column per metric.`, { field: 'path' });
        }
        continue;
      }
      const r = roles as ReturnType<typeof columnRoles>;
      if (cells.length !== header.length) {
        skip(line, `has ${cells.length} fields but the header has ${header.length}, so it was skipped`);
        continue;
      }
      const step = numberCell(cells[r.step]);
      if (typeof step !== 'number' || !Number.isInteger(step)) {
        skip(line, `has step "${cells[r.step]}", which is not a whole number, so it was skipped`);
        continue;
      }
      const runName = r.run >= 0 ? cells[r.run].trim() || base : base;
      let c = runs.get(runName);
      if (!c) {
        c = new SeriesCollector();
        runs.set(runName, c);
      }
      const time = r.time >= 0 ? timeCell(cells[r.time]) : null;
      if (r.value >= 0) {
        const v = numberCell(cells[r.value]);
        if (v === undefined) continue;
        if (typeof v === 'number' && Number.isNaN(v)) {
          skip(line, `has value "${cells[r.value]}", which is not a number, so it was skipped`);
          continue;
        }
        const key = r.key >= 0 ? cells[r.key].trim() || base : base;
        c.add(key, step, v, time);
      } else {
        for (const m of r.metrics) {
          const v = numberCell(cells[m]);
          if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
          c.add(header[m].trim(), step, v, time);
        }
      }
    }
  } catch (e) {
    if (e instanceof LabError) throw e;
    throw new LabError('bad_file', `${path.basename(abs)} cannot be read as ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${(e as Error).message}`, { field: 'path', cause: e });
  }
  if (header === null) throw new LabError('invalid_input', `${path.basename(abs)} is empty: there is no header row and no data.`, { field: 'path' });
  if (skipped > problems.length) problems.push({ file: abs, where: 'more lines', message: `${skipped - problems.length} more line(s) were skipped for the same kinds of reasons` });
  const out = [...runs.entries()]
    .map(([name, c]) => ({ name, format: 'csv' as const, files: [abs], series: c.series() }))
    .filter((run) => run.series.length > 0);
  if (out.length === 0) throw new LabError('invalid_input', `${path.basename(abs)} has a header but no row with a readable step and value.`, { field: 'path' });
  return { runs: out, problems };
}
