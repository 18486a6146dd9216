// Turning attention (L,NH,T,T) and top-k (T,k) typed arrays into the per-layer, per-head JSON and text the CLI prints.
import { tokenText, type TextTokenizer } from '../data/tokenizers/index';
import { LabError } from '../../common/errors';
import { shortToken } from '../../common/token-text';

export interface HeadMatrix {
  layer: number;
  head: number;
  /** T rows of T weights: row i = how much query token i attends to each key token */
  matrix: number[][];
}

/** Checks an optional --layer / --head choice against the model's size. */
function checkIndex(value: number | undefined, count: number, what: 'layer' | 'head'): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new LabError('invalid_input', `${what} ${value} does not exist: this model has ${count} ${what}s, numbered 0 to ${count - 1}.`, { field: what });
  }
}

/** The chosen layers × heads (all when not given) of an (L,NH,T,T) array as nested rows. */
export function headMatrices(data: Float32Array, shape: readonly [number, number, number, number], layer?: number, head?: number): HeadMatrix[] {
  const [L, NH, T] = shape;
  checkIndex(layer, L, 'layer');
  checkIndex(head, NH, 'head');
  const out: HeadMatrix[] = [];
  for (let l = 0; l < L; l++) {
    if (layer !== undefined && l !== layer) continue;
    for (let h = 0; h < NH; h++) {
      if (head !== undefined && h !== head) continue;
      const base = (l * NH + h) * T * T;
      const matrix = Array.from({ length: T }, (_, i) => Array.from(data.subarray(base + i * T, base + (i + 1) * T)));
      out.push({ layer: l, head: h, matrix });
    }
  }
  return out;
}

export interface PositionPredictions {
  position: number;
  candidates: { id: number; token: string; probability: number }[];
}

/** Top-k (T,k) typed arrays as per-position lists with token text. */
export function predictions(topK: { k: number; ids: Int32Array; probs: Float32Array }, tokenizer: TextTokenizer): PositionPredictions[] {
  const T = topK.ids.length / topK.k;
  return Array.from({ length: T }, (_, t) => ({
    position: t,
    candidates: Array.from({ length: topK.k }, (_, j) => {
      const id = topK.ids[t * topK.k + j];
      return { id, token: tokenText(tokenizer, id), probability: topK.probs[t * topK.k + j] };
    }),
  }));
}

/** A token as a short printable label (the lab's notation: · space, ⏎ newline; long ones cut). */
export function tokenLabel(token: string): string {
  return shortToken(token, 8);
}

/** One head as a text grid: a row per query token, weights to two decimals ("." for exactly 0, as GPT's mask gives). */
export function formatHead(m: HeadMatrix, tokens: string[]): string {
  const labels = tokens.map(tokenLabel);
  const w = Math.max(4, ...labels.map((l) => l.length));
  const header = `${' '.repeat(w)} ${labels.map((l) => l.padStart(5)).join(' ')}`;
  const rows = m.matrix.map((row, i) => `${labels[i].padEnd(w)} ${row.map((v) => (v === 0 ? '.' : v.toFixed(2)).padStart(5)).join(' ')}`);
  return [`layer ${m.layer}, head ${m.head}`, header, ...rows].join('\n');
}
