// Progress lines on stderr for long CLI work: imports and tokenizer training (task.progress events), the runs an
// experiment trains in workers (runs.changed events), and the lines of one lab.call (runs.log events with its taskId).
import { randomUUID } from 'node:crypto';
import type { EventPayload } from '../../common/api';
import type { Lab } from '../lab/index';
import { int, percent } from './format';

/** At most one line per task per interval, plus one whenever the phase changes, so logs stay short. */
const MIN_INTERVAL_MS = 1000;

/** 'datasets.import: reading 45% (500 of 1,100)', or 'tokenizers.train: counting…' while the total is unknown. */
export function progressLine(p: EventPayload<'task.progress'>): string {
  const amount = p.total !== null && p.total > 0
    ? ` ${percent(Math.min(1, p.done / p.total), 0)} (${int(p.done)} of ${int(p.total)})`
    : p.done > 0 ? ` ${int(p.done)}` : '…';
  return `${p.kind}: ${p.phase}${amount}${p.message ? ` — ${p.message}` : ''}`;
}

/** Subscribes to task.progress and writes throttled lines with `write`; returns the unsubscribe function. */
export function reportProgress(lab: Lab, write: (line: string) => void): () => void {
  const last = new Map<string, { phase: string; at: number }>();
  return lab.on((event, payload) => {
    if (event !== 'task.progress') return;
    const p = payload as EventPayload<'task.progress'>;
    const now = Date.now();
    const prev = last.get(p.taskId);
    const finished = p.total !== null && p.done >= p.total;
    if (prev && prev.phase === p.phase && now - prev.at < MIN_INTERVAL_MS && !finished) return;
    last.set(p.taskId, { phase: p.phase, at: now });
    write(progressLine(p));
  });
}

/** Per run, at most one line per interval while its status stays the same (a status change always gets one). */
const RUN_LINE_INTERVAL_MS = 2000;

/** Subscribes to runs.changed and writes 'run 3: running, step 120/800' lines with `write` (throttled per run, and the
 *  error when there is one); returns the unsubscribe function. For commands that wait on experiments' runs. */
export function reportRunStatus(lab: Lab, write: (line: string) => void): () => void {
  const last = new Map<number, { at: number; status: string }>();
  return lab.on((event, payload) => {
    if (event !== 'runs.changed') return;
    const p = payload as EventPayload<'runs.changed'>;
    const prev = last.get(p.id);
    if (prev && prev.status === p.status && Date.now() - prev.at < RUN_LINE_INTERVAL_MS) return;
    last.set(p.id, { at: Date.now(), status: p.status });
    write(`run ${p.id}: ${p.status}, step ${p.step}/${p.totalSteps ?? '?'}${p.error ? ` — ${p.error}` : ''}`);
  });
}

/** A taskId for one lab.call whose lines (runs.log) this command prints. */
export function newTaskId(): string {
  return `cli-${randomUUID()}`;
}

/** Subscribes to runs.log and writes the lines tagged `taskId` with `write`; returns the unsubscribe function. */
export function reportLines(lab: Lab, taskId: string, write: (line: string) => void): () => void {
  return lab.on((event, payload) => {
    if (event !== 'runs.log') return;
    const p = payload as EventPayload<'runs.log'>;
    if (p.taskId === taskId) write(p.line);
  });
}
