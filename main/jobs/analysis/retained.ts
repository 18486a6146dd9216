// Attention tensors the explorer is looking at, kept in the analysis worker so the page fetches only what it draws:
// one matrix (one head, the mean over heads, rollout, the head view's rows) or the model view's pooled thumbnails.
import { createHash } from 'node:crypto';
import type { ChannelArgs } from '../../../common/api';
import type { BareView, MatrixCut, PooledThumbnails } from './protocol';
import { attentionRollout, meanOverHeads } from '../../ml/attention-math';
import { LabError } from '../../../common/errors';

/** One analysed text: the view as sent (attention left out), its position table and its (L,NH,T,T) attention. */
export interface RetainedView {
  view: BareView;
  positional: Float32Array | null;
  attention: Float32Array;
  L: number;
  NH: number;
  T: number;
  causal: boolean;
  /** layer → rollout through it, (T,T); each costs up to a few hundred ms at 512 tokens, so it is made once */
  rollouts: Map<number, Float32Array>;
  /** size → pooled thumbnails */
  thumbnails: Map<number, PooledThumbnails>;
}

/** Enough for three or four 512-token views of 12 × 12 heads (151 MB each), or dozens of small ones. */
export const RETAINED_BUDGET_BYTES = 640 * 1024 ** 2;

function largest(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

/**
 * Max-pools each of `maps` (T,T) matrices to (S,S) with S = min(T, size), block i covering rows/columns
 * [floor(i·T/S), floor((i+1)·T/S)), and quantises each map to bytes against its own largest weight (255 = that weight).
 * A causal map stays lower-triangular: a block right of the diagonal holds only masked (0) weights.
 * Returns S, the (maps,S,S) bytes and each map's largest weight.
 */
export function poolMaps(attention: Float32Array, maps: number, T: number, size: number): { S: number; bytes: Uint8Array; maxima: number[] } {
  const S = Math.min(T, size);
  const block = new Int32Array(T);
  for (let i = 0; i < T; i++) block[i] = Math.floor((i * S) / T);
  const bytes = new Uint8Array(maps * S * S);
  const maxima: number[] = [];
  const pooled = new Float32Array(S * S);
  for (let m = 0; m < maps; m++) {
    pooled.fill(0);
    const base = m * T * T;
    for (let i = 0; i < T; i++) {
      const row = block[i] * S;
      const at = base + i * T;
      for (let j = 0; j < T; j++) {
        const w = attention[at + j];
        if (w > pooled[row + block[j]]) pooled[row + block[j]] = w;
      }
    }
    const max = largest(pooled);
    maxima.push(max);
    const out = m * S * S;
    if (max > 0) for (let k = 0; k < S * S; k++) bytes[out + k] = Math.round((255 * pooled[k]) / max);
  }
  return { S, bytes, maxima };
}

/** Analysed views by key, newest last; the oldest are dropped once their attention passes the byte budget. */
export class RetainedViews {
  private readonly items = new Map<string, RetainedView>();

  constructor(private readonly budgetBytes = RETAINED_BUDGET_BYTES) {}

  /** The key of one analysis: the same model file, text and options give the same key (so it is computed once). */
  static keyOf(identity: Record<string, unknown>): string {
    return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 24);
  }

  peek(key: string): RetainedView | undefined {
    const hit = this.items.get(key);
    if (hit !== undefined) {
      this.items.delete(key);
      this.items.set(key, hit);
    }
    return hit;
  }

  put(key: string, entry: RetainedView): void {
    this.items.delete(key);
    this.items.set(key, entry);
    let bytes = 0;
    for (const e of this.items.values()) bytes += e.attention.byteLength;
    // always keep the newest, however large: it is the one the page is about to ask for
    for (const [k, e] of this.items) {
      if (bytes <= this.budgetBytes || k === key) break;
      this.items.delete(k);
      bytes -= e.attention.byteLength;
    }
  }

  private get(key: string): RetainedView {
    const hit = this.peek(key);
    if (hit === undefined) {
      throw new LabError('not_found', `The attention with key "${key}" is no longer kept (the lab keeps the few texts analysed last, and none across a restart); analyse the text again.`, { field: 'key' });
    }
    return hit;
  }

  matrix(input: ChannelArgs<'analysis.matrix'>): MatrixCut {
    const r = this.get(input.key);
    const check = (value: number, count: number, what: string, field: string): void => {
      if (value >= count) throw new LabError('invalid_input', `${what} ${value} does not exist: this view has ${count}, numbered 0 to ${count - 1}.`, { field });
    };
    check(input.layer, r.L, 'Layer', 'layer');
    if (input.kind === 'head') check(input.head, r.NH, 'Head', 'head');
    if (input.kind === 'queryRows') check(input.query, r.T, 'Query token', 'query');
    const { L, NH, T } = r;
    let values: Float32Array;
    let rows = T;
    if (input.kind === 'head') {
      const start = (input.layer * NH + input.head) * T * T;
      // a copy, not a view: structured clone would send the whole (L,NH,T,T) buffer under a view
      values = r.attention.slice(start, start + T * T);
    } else if (input.kind === 'mean') {
      values = meanOverHeads(r.attention, NH, T, input.layer);
    } else if (input.kind === 'rollout') {
      let rollout = r.rollouts.get(input.layer);
      if (rollout === undefined) {
        rollout = attentionRollout(r.attention, L, NH, T, input.layer + 1, r.causal);
        r.rollouts.set(input.layer, rollout);
      }
      values = rollout;
    } else {
      rows = NH;
      values = new Float32Array(NH * T);
      for (let h = 0; h < NH; h++) values.set(r.attention.subarray(((input.layer * NH + h) * T + input.query) * T, ((input.layer * NH + h) * T + input.query + 1) * T), h * T);
    }
    return {
      key: input.key, kind: input.kind, layer: input.layer, head: input.head, query: input.query,
      rows, cols: T, max: largest(values), values,
    };
  }

  thumbnails(input: ChannelArgs<'analysis.thumbnails'>): PooledThumbnails {
    const r = this.get(input.key);
    const cached = r.thumbnails.get(input.size);
    if (cached !== undefined) return cached;
    const { S, bytes, maxima } = poolMaps(r.attention, r.L * r.NH, r.T, input.size);
    const out: PooledThumbnails = { key: input.key, L: r.L, NH: r.NH, T: r.T, size: S, causal: r.causal, maxima, bytes };
    r.thumbnails.set(input.size, out);
    return out;
  }
}
