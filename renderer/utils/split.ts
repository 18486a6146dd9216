// Pure helpers for the split form: percent inputs → ratios, the sum check, and an estimate of each part's size.

export interface SplitPercents {
  train: number;
  validation: number;
  test: number;
}

const PARTS = ['train', 'validation', 'test'] as const;

/** 80/10/10 percent → 0.8/0.1/0.1 fractions, as the datasets.split channel expects. */
export function ratiosFromPercents(p: SplitPercents): SplitPercents {
  return { train: p.train / 100, validation: p.validation / 100, test: p.test / 100 };
}

/** The percent total when it is not 100 (within rounding), else null. */
export function percentSumProblem(p: SplitPercents): number | null {
  const sum = p.train + p.validation + p.test;
  if (PARTS.some((k) => !Number.isFinite(p[k]) || p[k] < 0)) return Number.NaN;
  return Math.abs(sum - 100) < 1e-6 ? null : sum;
}

/**
 * Expected documents per part before splitting: floor of total × ratio, with the leftover documents given one
 * each to the parts with the largest remainders (ties go to train, then validation). The real split is
 * stratified and seeded, so its counts may differ by a document or two per label; they are shown after it runs.
 */
export function estimateSplitCounts(total: number, p: SplitPercents): SplitPercents {
  const exact = PARTS.map((k) => (total * p[k]) / 100);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = PARTS.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    if (p[PARTS[i]] > 0) {
      counts[i] += 1;
      left -= 1;
    }
  }
  return { train: counts[0], validation: counts[1], test: counts[2] };
}
