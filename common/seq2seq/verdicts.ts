// The verdicts of the "with vs without attention" experiment, computed from the numbers: how each arm's quality moves
// with source length (Bahdanau et al. 2014, Fig. 2), whether attention wins on the longest sources, which alignment
// function is best, where the Transformer stands, and the cost. A difference counts ('clear') when it exceeds the sum
// of the two figures' standard deviations over seeds, or, with a single seed, 2 points (2% for shares, 2 BLEU/chrF);
// otherwise it is a tie. Quality "falls" with length when the longest sources' figure is below the shortest's by such
// a difference and by at least a tenth of the shortest's figure (a few points off a near-perfect score still "holds",
// as RNNsearch does in Bahdanau's figure). Pure: the lab sends the verdicts, the UI and the CLI word them (wording.ts).
import type { Seq2seqArmT, Seq2seqMetricT, Seq2seqVerdictT, SeedStatT } from '../api/seq2seq';

/** Mean and sample standard deviation of the measured values. */
export function seedStat(values: readonly number[]): SeedStatT {
  const n = values.length;
  if (n === 0) return { mean: null, std: null, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, std: null, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { mean, std: Math.sqrt(variance), n };
}

/** An arm's figure over its measured seeds: overall (bucket null) or in bucket index `bucket`. */
export function armStat(arm: Seq2seqArmT, metric: Seq2seqMetricT, bucket: number | null = null): SeedStatT {
  const values: number[] = [];
  for (const s of arm.seeds) {
    const q = bucket === null ? s.overall : s.buckets[bucket];
    if (q && q.pairs > 0) values.push(q[metric]);
  }
  return seedStat(values);
}

/** The smallest gap that counts with one seed: 2 points of a share, or 2 BLEU / chrF. */
function minGap(metric: Seq2seqMetricT): number {
  return metric === 'bleu' || metric === 'chrf' ? 2 : 0.02;
}

/** 'clear' when a exceeds b beyond the spread, 'tie' within it; null when either is unmeasured. */
export function compareStats(a: SeedStatT, b: SeedStatT, metric: Seq2seqMetricT): 'clear' | 'tie' | null {
  if (a.mean === null || b.mean === null) return null;
  const gap = a.mean - b.mean;
  const spread = a.std !== null && b.std !== null ? a.std + b.std : minGap(metric);
  return gap > Math.max(spread, 1e-12) ? 'clear' : 'tie';
}

function measured(arm: Seq2seqArmT | undefined): arm is Seq2seqArmT {
  return arm !== undefined && arm.seeds.some((s) => s.overall !== null);
}

/** Indexes of the first and last buckets that hold held-out pairs in every measured seed of these arms. */
function edgeBuckets(arms: Seq2seqArmT[]): [number, number] | null {
  const counts = arms.flatMap((a) => a.seeds.filter((s) => s.overall !== null).map((s) => s.buckets));
  if (counts.length === 0) return null;
  const n = Math.min(...counts.map((b) => b.length));
  const filled = Array.from({ length: n }, (_, i) => i).filter((i) => counts.every((b) => b[i].pairs > 0));
  return filled.length >= 2 ? [filled[0], filled[filled.length - 1]] : null;
}

type Params = Record<string, string | number>;

function verdict(id: string, tone: Seq2seqVerdictT['tone'], key: string, params: Params = {}): Seq2seqVerdictT {
  return { id, tone, key, params };
}

/** How an arm's figure changes from the shortest to the longest sources. */
function lengthVerdict(id: string, arm: Seq2seqArmT, edges: [number, number], metric: Seq2seqMetricT): Seq2seqVerdictT {
  const [i, j] = edges;
  const first = armStat(arm, metric, i);
  const last = armStat(arm, metric, j);
  const b = arm.seeds.find((s) => s.overall !== null)?.buckets ?? [];
  const params: Params = { variant: arm.variant, metric, first: first.mean ?? 0, last: last.mean ?? 0, firstLo: b[i].lo, firstHi: b[i].hi, lastLo: b[j].lo, lastHi: b[j].hi };
  const falls = compareStats(first, last, metric) === 'clear' && (first.mean ?? 0) - (last.mean ?? 0) >= 0.1 * (first.mean ?? 0);
  return falls ? verdict(id, 'clear', 'falls', params) : verdict(id, 'tie', 'holds', params);
}

/** The arm with the highest overall mean among `arms` (measured ones), and the runner-up. */
function ranked(arms: Seq2seqArmT[], metric: Seq2seqMetricT): Seq2seqArmT[] {
  return arms.filter(measured).sort((a, b) => (armStat(b, metric).mean ?? -Infinity) - (armStat(a, metric).mean ?? -Infinity));
}

export function seq2seqVerdicts(arms: readonly Seq2seqArmT[], metric: Seq2seqMetricT = 'bleu'): Seq2seqVerdictT[] {
  const out: Seq2seqVerdictT[] = [];
  const none = arms.find((a) => a.variant === 'none');
  const attention = ranked(arms.filter((a) => a.variant !== 'none' && a.variant !== 'transformer'), metric);
  const transformer = arms.find((a) => a.variant === 'transformer');
  const best = attention[0];

  // 1-2. quality against source length, without attention and with the best alignment function
  const lengthArms: [string, Seq2seqArmT | undefined, string][] = [['length.none', none, 'none'], ['length.attention', best, 'attention']];
  for (const [id, arm, name] of lengthArms) {
    if (!measured(arm)) {
      out.push(verdict(id, 'unmeasured', 'unmeasured', { variant: name }));
      continue;
    }
    const edges = edgeBuckets([arm]);
    out.push(edges ? lengthVerdict(id, arm, edges, metric) : verdict(id, 'unmeasured', 'oneBucket', { variant: arm.variant }));
  }

  // 3. on the longest sources: the best alignment function vs no attention
  const edges = measured(none) && measured(best) ? edgeBuckets([none, best]) : null;
  if (edges && best && none) {
    const j = edges[1];
    const a = armStat(best, metric, j);
    const n = armStat(none, metric, j);
    const b = best.seeds.find((s) => s.overall !== null)?.buckets[j];
    const params = { variant: best.variant, metric, with: a.mean ?? 0, without: n.mean ?? 0, lo: b?.lo ?? 0, hi: b?.hi ?? 0 };
    out.push(compareStats(a, n, metric) === 'clear' ? verdict('long.attention', 'clear', 'attentionWinsLong', params)
      : compareStats(n, a, metric) === 'clear' ? verdict('long.attention', 'clear', 'attentionLosesLong', params)
        : verdict('long.attention', 'tie', 'attentionTiesLong', params));
  } else {
    out.push(verdict('long.attention', 'unmeasured', 'unmeasured', { variant: 'attention' }));
  }

  // 4. the best alignment function
  if (attention.length >= 2) {
    const [a, b] = attention;
    const params = { variant: a.variant, runnerUp: b.variant, metric, value: armStat(a, metric).mean ?? 0, runnerValue: armStat(b, metric).mean ?? 0 };
    out.push(compareStats(armStat(a, metric), armStat(b, metric), metric) === 'clear' ? verdict('alignment.best', 'clear', 'alignmentBest', params)
      : verdict('alignment.best', 'tie', 'alignmentTie', params));
  } else {
    out.push(verdict('alignment.best', 'unmeasured', 'fewAlignments', {}));
  }

  // 5. the Transformer against the best RNN with attention
  if (measured(transformer) && best) {
    const t = armStat(transformer, metric);
    const r = armStat(best, metric);
    const params = { variant: best.variant, metric, transformer: t.mean ?? 0, rnn: r.mean ?? 0 };
    out.push(compareStats(t, r, metric) === 'clear' ? verdict('transformer', 'clear', 'transformerBetter', params)
      : compareStats(r, t, metric) === 'clear' ? verdict('transformer', 'clear', 'transformerWorse', params)
        : verdict('transformer', 'tie', 'transformerTie', params));
  } else if (transformer) {
    // a Transformer arm not measured yet; an experiment without one gets no Transformer verdict
    out.push(verdict('transformer', 'unmeasured', 'unmeasured', { variant: 'transformer' }));
  }

  // 6. cost: training throughput and size
  const speeds = arms.map((a) => ({ a, s: seedStat(a.seeds.flatMap((x) => (x.tokensPerSecond === null ? [] : [x.tokensPerSecond]))) }))
    .filter((x) => x.s.mean !== null).sort((x, y) => (y.s.mean ?? 0) - (x.s.mean ?? 0));
  if (speeds.length >= 2) {
    const fast = speeds[0];
    const slow = speeds[speeds.length - 1];
    const size = (a: Seq2seqArmT): number => a.seeds[0]?.parameters ?? 0;
    out.push(verdict('cost', 'clear', 'cost', {
      fastest: fast.a.variant, fastestSpeed: fast.s.mean ?? 0, slowest: slow.a.variant, slowestSpeed: slow.s.mean ?? 0,
      ratio: (fast.s.mean ?? 0) / Math.max(1e-9, slow.s.mean ?? 0), fastestParams: size(fast.a), slowestParams: size(slow.a),
    }));
  }
  return out;
}
