// MetricWriter: metric points streamed from a training job are buffered and written in one transaction at most ~1 s behind.
import type { MetricPoint, RunQueries } from '../../store/runs';

export type { MetricPoint } from '../../store/runs';

/** Longest the writer keeps a point in memory before it is written. */
export const METRIC_FLUSH_MS = 1000;

/**
 * Buffers metric points and writes them in one transaction when the oldest buffered point is METRIC_FLUSH_MS old
 * (checked on every add and by a timer, so a quiet run is flushed too), on flush() and on close(). Re-logging a step
 * (a resumed run) replaces the stored value; the summary triggers of migration 1 keep metric_summaries current.
 */
export class MetricWriter {
  private buffer: MetricPoint[] = [];
  private oldestAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  constructor(private readonly runs: RunQueries, readonly runId: number, private readonly flushMs = METRIC_FLUSH_MS,
    /** called after each successful flush with the number of points written (heartbeats hang off it) */
    private readonly onFlush: (written: number) => void = () => {}) {}

  /** Queues one point; time defaults to now. Writes the batch when it has waited flushMs. */
  add(key: string, step: number, value: number, time = Date.now() / 1000): void {
    if (this.closed) throw new Error(`The metric writer of run ${this.runId} is closed; "${key}" at step ${step} was not recorded.`);
    if (this.buffer.length === 0) {
      this.oldestAt = Date.now();
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref();
    }
    this.buffer.push({ key, step, value, time });
    if (Date.now() - this.oldestAt >= this.flushMs) this.flush();
  }

  /** Points queued and not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes every queued point in one transaction. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const points = this.buffer;
    this.buffer = [];
    this.runs.insertMetrics(this.runId, points);
    this.onFlush(points.length);
  }

  /** Flushes and refuses further points. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }
}
