// chrF and chrF++ with sacrebleu's definitions (Popović 2015/2017, sacrebleu 2.x): character n-grams of orders
// 1..charOrder (whitespace removed unless kept), optional word n-grams (chrF++, punctuation split off word ends),
// the best-F reference per sentence, statistics summed over the corpus, and F-beta averaged either over the orders
// that occur ("effective order", sacrebleu's default) or over all orders with epsilon smoothing (chrF++.py's).
// Checked against sacrebleu's published test values in test/unit/seq2seq/metrics.test.ts.
import { codePoints, pySplit } from './whitespace';

export interface ChrfOptions {
  /** default 6 */
  charOrder?: number;
  /** default 0 (chrF); 2 is chrF++ */
  wordOrder?: number;
  /** default 2: recall weighs beta times as much as precision */
  beta?: number;
  lowercase?: boolean;
  /** keep whitespace inside character n-grams (default false: removed) */
  whitespace?: boolean;
  /** chrF++.py-style epsilon smoothing instead of the effective order (default false) */
  epsSmoothing?: boolean;
}

const PUNCTUATION = new Set(Array.from('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'));

type Counts = Map<string, number>;

function charNgrams(line: string, order: number, whitespace: boolean): Counts[] {
  const chars = codePoints(whitespace ? line : pySplit(line).join(''));
  const out: Counts[] = [];
  for (let n = 1; n <= order; n++) {
    const c: Counts = new Map();
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join('');
      c.set(g, (c.get(g) ?? 0) + 1);
    }
    out.push(c);
  }
  return out;
}

/** chrF's primitive word split: a one-character word stays; else a trailing, or failing that leading, punctuation
 *  character is split off (so "(hi)" becomes "(hi" and ")", as in sacrebleu). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(line)) {
    const cps = codePoints(w);
    if (cps.length === 1) out.push(w);
    else if (PUNCTUATION.has(cps[cps.length - 1])) out.push(cps.slice(0, -1).join(''), cps[cps.length - 1]);
    else if (PUNCTUATION.has(cps[0])) out.push(cps[0], cps.slice(1).join(''));
    else out.push(w);
  }
  return out;
}

function wordNgrams(tokens: string[], n: number): Counts {
  const c: Counts = new Map();
  for (let i = 0; i + n <= tokens.length; i++) {
    const g = tokens.slice(i, i + n).join(' ');
    c.set(g, (c.get(g) ?? 0) + 1);
  }
  return c;
}

function allNgrams(line: string, o: Required<ChrfOptions>): Counts[] {
  const grams = charNgrams(line, o.charOrder, o.whitespace);
  if (o.wordOrder > 0) {
    const w = words(line);
    for (let n = 1; n <= o.wordOrder; n++) grams.push(wordNgrams(w, n));
  }
  return grams;
}

/** [hyp count, ref count, matches] of one order; no hypothesis count when the reference has no n-gram of it. */
function matchStats(hyp: Counts, ref: Counts): [number, number, number] {
  let match = 0;
  let hypCount = 0;
  for (const [g, c] of hyp) {
    hypCount += c;
    const r = ref.get(g);
    if (r !== undefined) match += Math.min(c, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  return [ref.size > 0 ? hypCount : 0, refCount, match];
}

/** The chrF score (0..100) of summed statistics: 3 numbers per order. */
function fScore(stats: number[], o: Required<ChrfOptions>): number {
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const order = o.charOrder + o.wordOrder;
  let score = 0;
  let effective = 0;
  let avgPrec = 0;
  let avgRec = 0;
  for (let i = 0; i < order; i++) {
    const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3);
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * score) / order;
  if (effective === 0) return 0;
  avgPrec /= effective;
  avgRec /= effective;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * (1 + factor) * avgPrec * avgRec) / (factor * avgPrec + avgRec);
}

function withDefaults(o: ChrfOptions): Required<ChrfOptions> {
  return {
    charOrder: o.charOrder ?? 6, wordOrder: o.wordOrder ?? 0, beta: o.beta ?? 2, lowercase: o.lowercase ?? false,
    whitespace: o.whitespace ?? false, epsSmoothing: o.epsSmoothing ?? false,
  };
}

/** The statistics of the reference with the best F score for this hypothesis. */
function sentenceStats(hyp: string, refs: string[], o: Required<ChrfOptions>): number[] {
  const prep = (s: string): string => (o.lowercase ? s.toLowerCase() : s);
  const h = allNgrams(prep(hyp), o);
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const r = allNgrams(prep(ref), o);
    const stats = h.flatMap((counts, i) => matchStats(counts, r[i]));
    const f = fScore(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

/** Corpus chrF; refs[k][i] is the k-th reference of sentence i (sacrebleu's reference streams). */
export function corpusChrf(hyps: readonly string[], refs: readonly (readonly string[])[], options: ChrfOptions = {}): number {
  const o = withDefaults(options);
  const sum = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hyps.forEach((hyp, i) => {
    const stats = sentenceStats(hyp, refs.map((stream) => stream[i]), o);
    for (let j = 0; j < sum.length; j++) sum[j] += stats[j] ?? 0;
  });
  return fScore(sum, o);
}

/** Sentence chrF against one or more references. */
export function sentenceChrf(hyp: string, refs: readonly string[], options: ChrfOptions = {}): number {
  const o = withDefaults(options);
  return fScore(sentenceStats(hyp, [...refs], o), o);
}
