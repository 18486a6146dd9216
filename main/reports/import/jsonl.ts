// Reads scalar series from a JSONL training log: one object per line with a step and numeric fields (nanoGPT-style),
// or long lines {run?, key, step, value, time?}.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { LabError } from '../../../common/errors';
import { columnRoles, numberCell, STEP_NAMES, timeCell } from './columns';
import { SeriesCollector, type ExternalReadResult, type ImportProblem } from './types';

const MAX_PROBLEMS = 200;

/** Numeric leaves of an object, nested keys joined with '/': {"val": {"loss": 2}} → [["val/loss", 2]]. */
function numericLeaves(obj: Record<string, unknown>, prefix = '', out: [string, unknown][] = []): [string, unknown][] {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}/${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) numericLeaves(v as Record<string, unknown>, key, out);
    else if (typeof v === 'number' || v === null || (typeof v === 'string' && /^[+-]?(nan|inf|infinity)$/i.test(v))) out.push([key, v]);
  }
  return out;
}

export async function readJsonlRuns(file: string): Promise<ExternalReadResult> {
  const abs = path.resolve(file);
  const base = path.basename(abs).replace(/\.(jsonl|ndjson|json)$/i, '');
  const runs = new Map<string, SeriesCollector>();
  const problems: ImportProblem[] = [];
  const fieldsSeen = new Set<string>();
  let skipped = 0;
  let lines = 0;
  const skip = (line: number, message: string): void => {
    skipped += 1;
    if (problems.length < MAX_PROBLEMS) problems.push({ file: abs, where: `line ${line}`, message });
  };
  const rl = readline.createInterface({ input: fs.createReadStream(abs, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of rl) {
      n += 1;
      const trimmed = text.replace(/^\uFEFF/, '').trim();
      if (trimmed === '') continue;
      lines += 1;
      let obj: unknown;
      try {
        obj = JSON.parse(trimmed);
      } catch (e) {
        skip(n, `is not valid JSON (${(e as Error).message}), so it was skipped`);
        continue;
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        skip(n, 'is not a JSON object, so it was skipped');
        continue;
      }
      const rec = obj as Record<string, unknown>;
      const names = Object.keys(rec);
      for (const k of names) fieldsSeen.add(k);
      const roles = columnRoles(names);
      if (roles.step === -1) {
        skip(n, `has no step field (${STEP_NAMES.slice(0, 4).join(', ')}); its fields are: ${names.join(', ') || '(none)'}`);
        continue;
      }
      const step = numberCell(rec[names[roles.step]]);
      if (typeof step !== 'number' || !Number.isInteger(step)) {
        skip(n, `has step ${JSON.stringify(rec[names[roles.step]])}, which is not a whole number, so it was skipped`);
        continue;
      }
      const runName = roles.run >= 0 && typeof rec[names[roles.run]] === 'string' ? String(rec[names[roles.run]]) : base;
      let c = runs.get(runName);
      if (!c) {
        c = new SeriesCollector();
        runs.set(runName, c);
      }
      const time = roles.time >= 0 ? timeCell(rec[names[roles.time]]) : null;
      if (roles.value >= 0 && roles.key >= 0) {
        const v = numberCell(rec[names[roles.value]]);
        if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
          skip(n, `has value ${JSON.stringify(rec[names[roles.value]])}, which is not a number, so it was skipped`);
          continue;
        }
        c.add(String(rec[names[roles.key]]), step, v, time);
        continue;
      }
      const skipKeys = new Set([roles.step, roles.run, roles.time, roles.key].filter((i) => i >= 0).map((i) => names[i]));
      const rest: Record<string, unknown> = {};
      for (const k of names) if (!skipKeys.has(k) && k.toLowerCase() !== 'tokens') rest[k] = rec[k];
      for (const [key, raw] of numericLeaves(rest)) {
        // an explicit null is a diverged (non-finite) point, kept as a gap as the lab stores its own NaN losses
        if (raw === null) {
          c.add(key, step, null, time);
          continue;
        }
        const v = numberCell(raw);
        if (v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
        c.add(key, step, v, time);
      }
    }
  } catch (e) {
    throw new LabError('bad_file', `Cannot read ${path.basename(abs)}: ${(e as Error).message}.`, { field: 'path', cause: e });
  }
  if (skipped > problems.length) problems.push({ file: abs, where: 'more lines', message: `${skipped - problems.length} more line(s) were skipped for the same kinds of reasons` });
  const out = [...runs.entries()]
    .map(([name, c]) => ({ name, format: 'jsonl' as const, files: [abs], series: c.series() }))
    .filter((run) => run.series.length > 0);
  if (out.length === 0) {
    const found = [...fieldsSeen].map((f) => `"${f}"`).join(', ') || '(none)';
    throw new LabError('invalid_input', lines === 0
      ? `${path.basename(abs)} has no lines: nothing to import.`
      : `${path.basename(abs)} has no line with a step and a numeric value; the fields found are: ${found}. Each line needs "step" (or iter, iteration, global_step) and numeric metric fields, or "key" and "value".`, { field: 'path' });
  }
  return { runs: out, problems };
}
