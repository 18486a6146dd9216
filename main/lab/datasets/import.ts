// Writing an import into the store: a dataset row in 'importing', documents in batched transactions, then 'ready' — or nothing.
import { readDocuments, StatsAccumulator, type ImportOptions, type ImportSummary } from '../../data/import';
import type { LabContext } from '../app/context';
import { codePointLength } from '../../data/text';
import { DatasetQueries, type DocumentInsert } from '../../store/datasets';
import { LabError } from '../../../common/errors';
import { thisOwner } from '../../store/owner';
import { removeImportsOfDeadOwners } from '../../store/recovery';

/** Documents per transaction: big enough to amortise the commit, small enough to keep memory and lock time short. */
export const IMPORT_BATCH = 2000;
/** task.progress events at most this often (10 per second). */
const PROGRESS_INTERVAL_MS = 100;

export interface ImportJob {
  name: string;
  /** what readDocuments reads and, unless `source` is given, what the dataset records as its source */
  path: string;
  /** the source to record when `path` is a copy (a browser upload: the file's own name) */
  source?: string;
  options: ImportOptions;
  /** the JSON-safe choices to remember with the dataset (options_json) */
  recorded: Record<string, unknown>;
  /** format, encoding and sha256 known before reading (from inspection); replaced by the import's own summary */
  expected: { format: string; encoding: string; sha256: string };
  allowDuplicate: boolean;
  taskId: string;
}

export interface ImportOutcome {
  id: number;
  summary: ImportSummary;
}

/**
 * Emits task.progress no more than PROGRESS_INTERVAL_MS apart, except forced ones (start, end, failure).
 * Phases: 'reading' (done/total in bytes of the source; message counts documents), 'done' (documents), 'failed'.
 */
function progressReporter(ctx: LabContext, taskId: string): (phase: string, done: number, total: number | null, message?: string, force?: boolean) => void {
  let last = -Infinity;
  return (phase, done, total, message, force = false) => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    ctx.emit('task.progress', { taskId, kind: 'datasets.import', phase, done, total, ...(message === undefined ? {} : { message }) });
  };
}

/**
 * Streams job.path into a new dataset. Any failure — a bad line, a vanished file, a duplicate found at the end —
 * deletes the dataset row, and with it (ON DELETE CASCADE) every document already written, then rethrows.
 * A crash mid-import leaves a row in 'importing' whose heartbeat stops; the next openStore removes it.
 */
export async function importIntoStore(ctx: LabContext, q: DatasetQueries, job: ImportJob): Promise<ImportOutcome> {
  const { db } = ctx;
  const report = progressReporter(ctx, job.taskId);
  const now = new Date().toISOString();
  const owner = thisOwner();
  const insert = (): number => Number(q.insertImporting.run(job.name, job.source ?? job.path, job.expected.format, job.expected.encoding, job.expected.sha256,
    JSON.stringify(job.recorded), now, now, owner.pid, owner.host).lastInsertRowid);
  let id: number;
  try {
    id = insert();
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
    // the name may be held by an import whose process on this machine was killed: that row goes now, and the name is free
    if (removeImportsOfDeadOwners(db) === 0) throw nameTaken(job.name);
    try {
      id = insert();
    } catch (again) {
      if ((again as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw nameTaken(job.name);
      throw again;
    }
  }

  const writeBatch = db.transaction((rows: DocumentInsert[]) => {
    for (const row of rows) q.insertDocument.run(...row);
    q.heartbeat.run(new Date().toISOString(), id);
  });

  try {
    const stats = new StatsAccumulator();
    const batch: DocumentInsert[] = [];
    let count = 0;
    let bytesDone = 0;
    let bytesTotal: number | null = null;
    report('reading', 0, null, undefined, true);
    const docs = readDocuments(job.path, job.options, (done, total) => {
      bytesDone = done;
      bytesTotal = total;
      report('reading', done, total, `${count} documents`);
    });
    let step = await docs.next();
    while (step.done !== true) {
      const { text, label, textB } = step.value;
      stats.add(text, label);
      batch.push([id, count, text, label, codePointLength(text), textB ?? null]);
      count++;
      if (batch.length >= IMPORT_BATCH) {
        writeBatch(batch);
        batch.length = 0;
        report('reading', bytesDone, bytesTotal, `${count} documents`);
      }
      step = await docs.next();
    }
    writeBatch(batch);
    const summary = step.value;

    if (!job.allowDuplicate) {
      const twin = q.readyBySha.get(summary.sha256);
      if (twin !== undefined) throw duplicateOf(job.path, twin.name);
    }
    q.markReady.run(summary.format, summary.encoding, summary.sha256, JSON.stringify(stats.finish()), id);
    report('done', count, count, `${count} documents`, true);
    return { id, summary };
  } catch (e) {
    try {
      q.remove.run(id);
    } catch {
      // The store itself is failing (disk full, I/O error): keep the import's own error for the caller; the
      // row's heartbeat has stopped, so the next openStore removes it.
    }
    report('failed', 0, null, e instanceof Error ? e.message : String(e), true);
    throw e;
  }
}

export function nameTaken(name: string): LabError {
  return new LabError('conflict', `A dataset named "${name}" already exists: choose another name.`, { field: 'name' });
}

export function duplicateOf(path: string, existing: string): LabError {
  return new LabError('conflict',
    `${path} holds exactly the same bytes as the dataset "${existing}", which is already in the lab: use that dataset, or import again with "allow duplicate" to keep a second copy.`,
    { field: 'path' });
}
