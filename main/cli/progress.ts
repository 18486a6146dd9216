// Progress lines on stderr for long CLI work (imports, tokenizer training), fed by the lab's task.progress events.
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
