// Splits: exact part sizes, determinism per seed, stratification per label, and the ratio / empty-part errors.
import { describe, expect, it } from 'vitest';
import { assignSplits, mulberry32, partSizes } from '../../../main/data/splits';
import { labError } from './helpers';

const R = { train: 0.8, validation: 0.1, test: 0.1 };

function counts(parts: Uint8Array, labels?: (string | null)[], label?: string | null): number[] {
  const c = [0, 0, 0];
  parts.forEach((p, i) => {
    if (labels === undefined || labels[i] === label) c[p]++;
  });
  return c;
}

describe('partSizes', () => {
  it('gives exact sizes that sum to n (largest remainder)', () => {
    expect(partSizes(10, R)).toEqual([8, 1, 1]);
    // 3.5 / 1.75 / 1.75: floors 3, 1, 1; the two largest remainders (.75, .75) get the 2 left over
    expect(partSizes(7, { train: 0.5, validation: 0.25, test: 0.25 })).toEqual([3, 2, 2]);
    expect(partSizes(3, { train: 0.7, validation: 0.3, test: 0 })).toEqual([2, 1, 0]);
  });
});

describe('assignSplits', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 10 < 6 ? 'a' : i % 10 < 9 ? 'b' : 'c'));

  it('is deterministic for a seed and differs across seeds', () => {
    const a = assignSplits(labels, R, 42, true);
    const b = assignSplits(labels, R, 42, true);
    const c = assignSplits(labels, R, 43, true);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    expect(counts(a)).toEqual([800, 100, 100]);
  });

  it('gives each label its share to within one document when stratified', () => {
    const parts = assignSplits(labels, R, 7, true);
    for (const [label, n] of [['a', 600], ['b', 300], ['c', 100]] as const) {
      const c = counts(parts, labels, label);
      expect(c[0] + c[1] + c[2]).toBe(n);
      expect(Math.abs(c[0] - n * 0.8)).toBeLessThanOrEqual(1);
      expect(Math.abs(c[1] - n * 0.1)).toBeLessThanOrEqual(1);
      expect(Math.abs(c[2] - n * 0.1)).toBeLessThanOrEqual(1);
    }
  });

  it('stratifies small, uneven labels better than a plain shuffle would guarantee', () => {
    // 15 labels of 4 docs each with 50/25/25: every label gets exactly 2/1/1
    const small = Array.from({ length: 60 }, (_, i) => `g${i % 15}`);
    const parts = assignSplits(small, { train: 0.5, validation: 0.25, test: 0.25 }, 1, true);
    for (let g = 0; g < 15; g++) expect(counts(parts, small, `g${g}`)).toEqual([2, 1, 1]);
  });

  it('treats unlabelled documents as their own group and ignores labels when not stratifying', () => {
    const mixed = Array.from({ length: 100 }, (_, i) => (i < 50 ? null : 'x'));
    const parts = assignSplits(mixed, R, 3, true);
    expect(counts(parts, mixed, null)).toEqual([40, 5, 5]);
    const plain = assignSplits(mixed, R, 3, false);
    expect(counts(plain)).toEqual([80, 10, 10]);
    const unl = assignSplits(Array(20).fill(null), R, 3, true);
    expect(counts(unl)).toEqual([16, 2, 2]);
  });

  it('uses the seeded PRNG (mulberry32), reproducible across runs', () => {
    const r1 = mulberry32(42);
    const r2 = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => r1());
    expect(Array.from({ length: 5 }, () => r2())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(5);
  });

  it('refuses ratios that do not sum to 1, naming the sum', async () => {
    const err = await labError(async () => assignSplits(labels, { train: 0.8, validation: 0.1, test: 0.2 }, 1, true));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toBe('The split ratios add up to 1.1, not 1 (train 0.8, validation 0.1, test 0.2): adjust them so they sum to 1.');
    const neg = await labError(async () => assignSplits(labels, { train: 0.9, validation: 0.3, test: -0.2 }, 1, true));
    expect(neg.message).toBe('The test ratio -0.2 is not between 0 and 1: give each part a share such as 0.8, 0.1, 0.1.');
  });

  it('refuses a split that would leave a part with a ratio empty', async () => {
    const err = await labError(async () => assignSplits(['a', 'b', 'c'], R, 1, true));
    expect(err.message).toBe('The validation part would be empty with 3 documents: raise its ratio or add documents.');
    expect(err.field).toBe('validation');
    // a part with ratio 0 may be empty
    expect(counts(assignSplits(['a', 'b', 'c'], { train: 1, validation: 0, test: 0 }, 1, true))).toEqual([3, 0, 0]);
  });
});
