// Attention (L,NH,T,T) as the per-layer, per-head rows and text grids the CLI prints (`attention`, `onnx run`): pure,
// so the CLI builds them from what lab.call answers and onnx/ from an imported model's outputs.
import { LabError } from './errors';
import { shortToken } from './token-text';

export interface HeadMatrix {
  layer: number;
  head: number;
  /** T rows of T weights: row i = how much query token i attends to each key token */
  matrix: number[][];
}

/** 6 significant digits: enough for any weight a person reads, and a third of the JSON of a full double. */
export function sig6(v: number): number {
  return v === 0 || !Number.isFinite(v) ? v : Number(v.toPrecision(6));
}

/** Checks an optional --layer / --head choice against the model's size. */
function checkIndex(value: number | undefined, count: number, what: 'layer' | 'head'): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new LabError('invalid_input', `${what} ${value} does not exist: this model has ${count} ${what}s, numbered 0 to ${count - 1}.`, { field: what });
  }
}

/** The (layer, head) pairs a --layer / --head choice names (all when not given), layer-major; refuses one out of range. */
export function chosenHeads(L: number, NH: number, layer?: number, head?: number): Array<{ layer: number; head: number }> {
  checkIndex(layer, L, 'layer');
  checkIndex(head, NH, 'head');
  const out: Array<{ layer: number; head: number }> = [];
  for (let l = 0; l < L; l++) {
    if (layer !== undefined && l !== layer) continue;
    for (let h = 0; h < NH; h++) if (head === undefined || h === head) out.push({ layer: l, head: h });
  }
  return out;
}

/** One (T,T) row-major map as nested rows. */
export function matrixRows(data: Float32Array, T: number, offset = 0): number[][] {
  return Array.from({ length: T }, (_, i) => Array.from(data.subarray(offset + i * T, offset + (i + 1) * T)));
}

/** The chosen layers × heads (all when not given) of an (L,NH,T,T) array as nested rows. */
export function headMatrices(data: Float32Array, shape: readonly [number, number, number, number], layer?: number, head?: number): HeadMatrix[] {
  const [L, NH, T] = shape;
  return chosenHeads(L, NH, layer, head).map((c) => ({ ...c, matrix: matrixRows(data, T, (c.layer * NH + c.head) * T * T) }));
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
