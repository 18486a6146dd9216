// assignSplits: deterministic train/validation/test assignment by ratio and seed, stratified by label when asked.
import { LabError } from '../../common/errors';

export interface SplitRatios {
  train: number;
  validation: number;
  test: number;
}

const PARTS = ['train', 'validation', 'test'] as const;

/** mulberry32: a tiny 32-bit seeded PRNG, returns floats in [0, 1). Same seed → same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items: number[], rand: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}

/** Part sizes for n documents by largest remainder, so they sum to n exactly: n=10, .8/.1/.1 → [8, 1, 1]. */
export function partSizes(n: number, ratios: SplitRatios): [number, number, number] {
  const exact = PARTS.map((p) => n * ratios[p]);
  const sizes = exact.map(Math.floor) as [number, number, number];
  let left = n - sizes[0] - sizes[1] - sizes[2];
  const order = [0, 1, 2].sort((a, b) => exact[b] - sizes[b] - (exact[a] - sizes[a]) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % 3, left--) sizes[order[k]]++;
  return sizes;
}

function checkRatios(ratios: SplitRatios): void {
  for (const p of PARTS) {
    const r = ratios[p];
    if (!Number.isFinite(r) || r < 0 || r > 1) {
      throw new LabError('invalid_input', `The ${p} ratio ${r} is not between 0 and 1: give each part a share such as 0.8, 0.1, 0.1.`, { field: p });
    }
  }
  const sum = ratios.train + ratios.validation + ratios.test;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new LabError(
      'invalid_input',
      `The split ratios add up to ${Number(sum.toFixed(6))}, not 1 (train ${ratios.train}, validation ${ratios.validation}, test ${ratios.test}): adjust them so they sum to 1.`,
      { field: 'train' },
    );
  }
}

/**
 * Assigns each document to a part: 0 train, 1 validation, 2 test (index = document position in `labels`).
 *
 * Part sizes are exact over the whole dataset (largest remainder). With `stratify` and at least one label, each label
 * group (unlabelled documents form their own group) is shuffled and its documents are placed at evenly spaced
 * positions (i + u) / n_group with a random offset u; sorting all documents by position and cutting by the part sizes
 * gives every label its ratio share to within one document. Without stratification it is a plain seeded shuffle.
 * Throws LabError when ratios are out of range or do not sum to 1 (±1e-6), or when a part with a ratio > 0 would be
 * empty.
 */
export function assignSplits(labels: (string | null)[], ratios: SplitRatios, seed: number, stratify: boolean): Uint8Array {
  const n = labels.length;
  const sizes = checkedPartSizes(n, ratios);

  const rand = mulberry32(seed);
  let order: number[];
  const labelled = stratify && labels.some((l) => l !== null);
  if (!labelled) {
    order = Array.from({ length: n }, (_, i) => i);
    shuffle(order, rand);
  } else {
    const groups = new Map<string | null, number[]>();
    labels.forEach((l, i) => {
      const g = groups.get(l);
      if (g) g.push(i);
      else groups.set(l, [i]);
    });
    // groups in a fixed order (sorted labels, unlabelled last) so the PRNG stream is used the same way every time
    const keys = [...groups.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
    const position = new Float64Array(n);
    for (const k of keys) {
      const members = groups.get(k) as number[];
      shuffle(members, rand);
      const u = rand();
      members.forEach((doc, i) => {
        position[doc] = (i + u) / members.length;
      });
    }
    order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => position[a] - position[b] || a - b);
  }

  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[order[i]] = i < sizes[0] ? 0 : i < sizes[0] + sizes[1] ? 1 : 2;
  return out;
}

/** Part sizes after checking the ratios and that no part with a ratio > 0 comes out empty. */
function checkedPartSizes(n: number, ratios: SplitRatios): [number, number, number] {
  checkRatios(ratios);
  const sizes = partSizes(n, ratios);
  PARTS.forEach((p, i) => {
    if (ratios[p] > 0 && sizes[i] === 0) {
      throw new LabError(
        'invalid_input',
        `The ${p} part would be empty with ${n} document${n === 1 ? '' : 's'}: raise its ratio or add documents.`,
        { field: p },
      );
    }
  });
  return sizes;
}

/**
 * Split of one continuous text stored as n consecutive segments: the first share is train, the next validation,
 * the last test (as nanoGPT splits a corpus). Shuffling segments would leak neighbouring context between the parts.
 * The seed does not matter here; the same ratios always give the same split.
 */
export function contiguousSplits(n: number, ratios: SplitRatios): Uint8Array {
  const sizes = checkedPartSizes(n, ratios);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i < sizes[0] ? 0 : i < sizes[0] + sizes[1] ? 1 : 2;
  return out;
}
