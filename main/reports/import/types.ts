// Shapes of runs read from other tools' files (TensorBoard event files, CSV, JSONL) before they are stored as external runs.

/** One metric of an imported run, in step order; a null value is a non-finite one, a null time a point without one. */
export interface ExternalSeries {
  key: string;
  steps: number[];
  values: (number | null)[];
  times: (number | null)[];
}

export type ExternalFormat = 'tfevents' | 'csv' | 'jsonl';

/** One run found in the files: its name (folder, file or `run` column), the files it came from and its series. */
export interface ExternalRunData {
  name: string;
  format: ExternalFormat;
  /** absolute paths */
  files: string[];
  series: ExternalSeries[];
}

/** A record or line that was skipped: which file, where in it ("record 17 (byte 4096)", "line 12"), and why. */
export interface ImportProblem {
  file: string;
  where: string;
  message: string;
}

export interface ExternalReadResult {
  runs: ExternalRunData[];
  problems: ImportProblem[];
}

/** Collects points per key in arrival order, then sorts each series by step (a later duplicate step wins, as on resume). */
export class SeriesCollector {
  private readonly points = new Map<string, { step: number; value: number | null; time: number | null; order: number }[]>();
  private order = 0;

  add(key: string, step: number, value: number | null, time: number | null): void {
    let list = this.points.get(key);
    if (!list) {
      list = [];
      this.points.set(key, list);
    }
    list.push({ step, value: value !== null && Number.isFinite(value) ? value : null, time, order: this.order++ });
  }

  get size(): number {
    return this.points.size;
  }

  series(): ExternalSeries[] {
    return [...this.points.entries()].map(([key, list]) => {
      list.sort((a, b) => a.step - b.step || a.order - b.order);
      const out: ExternalSeries = { key, steps: [], values: [], times: [] };
      for (const p of list) {
        const n = out.steps.length;
        if (n > 0 && out.steps[n - 1] === p.step) {
          out.values[n - 1] = p.value;
          out.times[n - 1] = p.time;
          continue;
        }
        out.steps.push(p.step);
        out.values.push(p.value);
        out.times.push(p.time);
      }
      return out;
    });
  }
}
