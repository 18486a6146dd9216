// Throttled job events: a run's metric points and progress reach the front ends at most once per interval
// (default 100 ms, i.e. ≤ 10 updates a second per run), batched; status changes go out at once.
import type { EventPayload } from '../../../common/api';
import type { LabContext } from '../app/context';
import type { TrainJobMessage } from '../../jobs/train/protocol';

type Point = EventPayload<'runs.metrics'>['points'][number];

/** The metric points a job message carries, under the keys RunRecorder stores them with. */
export function messagePoints(m: TrainJobMessage): Point[] {
  if (m.type === 'step') {
    return [
      { key: 'train/loss', step: m.step, value: m.loss, time: m.time },
      { key: 'train/lr', step: m.step, value: m.lr, time: m.time },
      ...(m.gradNorm === null ? [] : [{ key: 'train/grad_norm', step: m.step, value: m.gradNorm, time: m.time }]),
      { key: 'train/tokens_per_s', step: m.step, value: m.tokensPerSecond, time: m.time },
    ];
  }
  if (m.type === 'eval') {
    const points: Point[] = [
      { key: 'val/loss', step: m.step, value: m.valLoss, time: m.time },
      { key: 'val/accuracy', step: m.step, value: m.accuracy, time: m.time },
    ];
    if (m.perplexity !== null) points.push({ key: 'val/perplexity', step: m.step, value: m.perplexity, time: m.time });
    return points;
  }
  return [];
}

interface Pending {
  points: Point[];
  progress: (() => EventPayload<'runs.changed'>) | null;
  timer: NodeJS.Timeout | null;
  lastAt: number;
}

export class JobEvents {
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly ctx: LabContext, private readonly intervalMs: number) {}

  /** Queues the points of a job message (and a progress update) for the run's next batch. */
  message(runId: number, m: TrainJobMessage, progress: () => EventPayload<'runs.changed'>): void {
    const points = messagePoints(m).map((p) => ({ ...p, value: Number.isFinite(p.value) ? p.value : null }));
    if (points.length === 0) return;
    const p = this.pending.get(runId) ?? { points: [], progress: null, timer: null, lastAt: 0 };
    this.pending.set(runId, p);
    p.points.push(...points);
    p.progress = progress;
    if (p.timer !== null) return;
    const wait = Math.max(0, p.lastAt + this.intervalMs - Date.now());
    p.timer = setTimeout(() => this.flush(runId), wait);
    p.timer.unref();
  }

  /** A status change: what is still batched for the run goes first, so the front end sees the points it ended on. */
  changedNow(payload: EventPayload<'runs.changed'>): void {
    this.flush(payload.id, false);
    this.ctx.emit('runs.changed', payload);
  }

  close(): void {
    for (const p of this.pending.values()) if (p.timer !== null) clearTimeout(p.timer);
    this.pending.clear();
  }

  private flush(runId: number, withProgress = true): void {
    const p = this.pending.get(runId);
    if (p === undefined) return;
    if (p.timer !== null) clearTimeout(p.timer);
    p.timer = null;
    if (p.points.length === 0) return;
    const points = p.points;
    p.points = [];
    p.lastAt = Date.now();
    this.ctx.emit('runs.metrics', { runId, points });
    if (withProgress && p.progress !== null) this.ctx.emit('runs.changed', p.progress());
  }
}
