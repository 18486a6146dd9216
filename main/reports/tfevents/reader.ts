// Reads TensorBoard event files: scalar series per tag from one file, or one run per folder of event files.
import fs from 'node:fs';
import path from 'node:path';
import { LabError } from '../../../common/errors';
import { SeriesCollector, type ExternalRunData, type ExternalSeries, type ImportProblem } from '../import/types';
import { decodeEvent } from './proto';
import { splitRecords } from './record';

/** TensorBoard's own rule for which files in a run folder are event files. */
export function isEventFileName(name: string): boolean {
  return name.includes('tfevents');
}

export interface EventFileScalars {
  scalars: ExternalSeries[];
  problems: ImportProblem[];
  /** records read (valid ones) */
  records: number;
  /** summary values that were not scalars (images, histograms, text…) and so were left out */
  ignoredValues: number;
}

/** Plugins whose one-element tensors are still not scalar series (TF2 writes text and hparams as tensors). */
function isScalarPlugin(plugin: string | null): boolean {
  return plugin === null || plugin === 'scalars';
}

/**
 * Every scalar of one event file, by tag. A bad record is named in `problems` and skipped (or, when the file cannot be
 * followed past it, ends the reading); everything valid before and around it is kept.
 */
export function readEventFile(file: string, collector = new SeriesCollector()): EventFileScalars {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new LabError('bad_file', `Cannot read the event file ${file}: ${(e as Error).message}.`, { field: 'path', cause: e });
  }
  const { records, problems: framing } = splitRecords(bytes);
  const problems: ImportProblem[] = framing.map((p) => ({ file, where: `record ${p.index + 1} (byte ${p.offset})`, message: p.message }));
  const pluginOf = new Map<string, string | null>();
  let ignored = 0;
  for (const rec of records) {
    let ev;
    try {
      ev = decodeEvent(rec.payload);
    } catch (e) {
      problems.push({ file, where: `record ${rec.index + 1} (byte ${rec.offset})`, message: `is not a valid Event message (${(e as Error).message}), so it was skipped` });
      continue;
    }
    ignored += ev.otherValues;
    for (const s of ev.scalars) {
      // metadata travels with a tag's first value only; later values inherit it
      if (s.plugin !== null || !pluginOf.has(s.tag)) pluginOf.set(s.tag, s.plugin ?? pluginOf.get(s.tag) ?? null);
      if (!isScalarPlugin(pluginOf.get(s.tag) ?? null)) {
        ignored += 1;
        continue;
      }
      collector.add(s.tag, ev.step, s.value, ev.wallTime > 0 ? ev.wallTime : null);
    }
  }
  return { scalars: collector.series(), problems, records: records.length, ignoredValues: ignored };
}

/** Event files directly inside `dir`, oldest name first (their names start with the writer's start time). */
function eventFilesIn(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && isEventFileName(d.name))
    .map((d) => path.join(dir, d.name))
    .sort();
}

/** Every folder under `root` (itself included) that holds event files, as TensorBoard finds runs. */
function runFolders(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (depth > 32) return;
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    if (entries.some((d) => d.isFile() && isEventFileName(d.name))) out.push(dir);
    for (const d of entries) if (d.isDirectory() && !d.name.startsWith('.')) visit(path.join(dir, d.name), depth + 1);
  };
  visit(root, 0);
  return out.sort();
}

/**
 * One run per folder with event files under `target` (a folder) or the single run of one event file. A run's files are
 * read in name order into one set of series, so a run resumed into a second file continues the first.
 */
export function readEventRuns(target: string): { runs: ExternalRunData[]; problems: ImportProblem[] } {
  const abs = path.resolve(target);
  const stat = fs.statSync(abs);
  const problems: ImportProblem[] = [];
  const runs: ExternalRunData[] = [];
  const groups: { name: string; files: string[] }[] = stat.isDirectory()
    ? runFolders(abs).map((dir) => ({ name: path.relative(abs, dir) || path.basename(abs), files: eventFilesIn(dir) }))
    : [{ name: path.basename(path.dirname(abs)), files: [abs] }];
  if (groups.length === 0) {
    throw new LabError('invalid_input', `No TensorBoard event files (events.out.tfevents.*) were found in ${abs} or the folders below it.`, { field: 'path' });
  }
  for (const g of groups) {
    const collector = new SeriesCollector();
    for (const f of g.files) problems.push(...readEventFile(f, collector).problems);
    const series = collector.series();
    if (series.length === 0) {
      problems.push({ file: g.files[0], where: 'whole run', message: `holds no scalar values, so run "${g.name}" was not imported` });
      continue;
    }
    runs.push({ name: g.name.split(path.sep).join('/'), format: 'tfevents', files: g.files, series });
  }
  return { runs, problems };
}
