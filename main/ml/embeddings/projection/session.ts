// The projector's working state in the process that computes (the analysis worker): vector sets held by key, the
// projections running on them (each streams frames and can be stopped between frames), and the questions asked of a
// set — neighbours, search, analogies, a neighbourhood to isolate, two sets compared. Keeps at most a few sets, the
// least recently used dropped first, so a long session does not grow without bound.
import { LabError } from '../../../../common/errors';
import type { Metric, ProjectionKernels } from '../../../../native-kernels/projection';
import { compareSpaces, type SpaceComparison } from './compare';
import { analogy, neighbourhood, neighboursOfRow, rowOfLabel, searchLabels, subset, type Neighbour, type Rows } from './explore';
import { project } from './index';
import type { ProjectionInput } from './params';
import type { FrameSink, ProjectionResult } from './types';

export interface HeldSet extends Rows {
  key: string;
}

/** How many sets stay loaded (each 100,000 x 300 set is 120 MB). */
export const MAX_HELD_SETS = 4;

export class ProjectorSession {
  private readonly sets = new Map<string, HeldSet>();
  private readonly running = new Map<number, { stop: boolean }>();

  constructor(private readonly pk: ProjectionKernels) {}

  /** Keeps `set` under its key (replacing one of the same key), dropping the least recently used beyond the limit. */
  hold(set: HeldSet): void {
    this.sets.delete(set.key);
    this.sets.set(set.key, set);
    while (this.sets.size > MAX_HELD_SETS) this.sets.delete(this.sets.keys().next().value as string);
  }

  has(key: string): boolean {
    return this.sets.has(key);
  }

  /** The set under `key`, marked as recently used; a sentence when it was dropped or never opened. */
  get(key: string): HeldSet {
    const set = this.sets.get(key);
    if (set === undefined) {
      throw new LabError('not_found', `The vector set "${key}" is not open (it may have been closed to free memory); open it again.`, { field: 'key' });
    }
    this.sets.delete(key);
    this.sets.set(key, set);
    return set;
  }

  /** Projects the set (or the given rows of it), streaming frames to onFrame until done or stop(jobId); `init`
   *  starts t-SNE/UMAP from a given layout (the previous checkpoint's). */
  async project(jobId: number, key: string, params: ProjectionInput, onFrame: FrameSink, rows?: readonly number[],
    init?: Float32Array):
    Promise<ProjectionResult & { rows: number[] | null }> {
    const full = this.get(key);
    const set = rows === undefined ? full : subset(full, rows);
    const flag = { stop: false };
    this.running.set(jobId, flag);
    try {
      const N = set.labels.length;
      const result = await project(this.pk, set.vectors, N, set.dim, params, async (frame) => {
        if (flag.stop) return false;
        const keep = await onFrame(frame);
        return keep !== false && !flag.stop;
      }, set.labels, { init });
      return { ...result, rows: rows === undefined ? null : [...rows] };
    } finally {
      this.running.delete(jobId);
    }
  }

  /** Asks a running projection to stop after its current frame; false when it is not running (done or unknown). */
  stop(jobId: number): boolean {
    const flag = this.running.get(jobId);
    if (flag === undefined) return false;
    flag.stop = true;
    return true;
  }

  neighbours(key: string, index: number, k: number, metric: Metric): Neighbour[] {
    return neighboursOfRow(this.pk, this.get(key), index, k, metric);
  }

  search(key: string, query: string, limit?: number): number[] {
    return searchLabels(this.get(key).labels, query, limit);
  }

  /** a − b + c by labels: the rows of the inputs and the answers. */
  analogy(key: string, a: string, b: string, c: string, k: number, metric: Metric): { rows: [number, number, number]; answers: Neighbour[] } {
    const set = this.get(key);
    const rows: [number, number, number] = [rowOfLabel(set.labels, a, 'a'), rowOfLabel(set.labels, b, 'b'), rowOfLabel(set.labels, c, 'c')];
    return { rows, answers: analogy(this.pk, set, rows[0], rows[1], rows[2], k, metric).answers };
  }

  /** The row and its k nearest rows: what "isolate and re-project" projects. */
  neighbourhood(key: string, index: number, k: number, metric: Metric): number[] {
    return neighbourhood(this.pk, this.get(key), index, k, metric);
  }

  compare(keyA: string, keyB: string, k: number, metric: Metric, limit?: number): SpaceComparison {
    return compareSpaces(this.pk, this.get(keyA), this.get(keyB), k, metric, limit);
  }
}
