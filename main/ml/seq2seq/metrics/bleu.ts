// Corpus and sentence BLEU with sacrebleu's definitions (Post 2018, sacrebleu 2.x): the 13a, none and char tokenizers,
// n-gram counts clipped by the largest count in any reference, the closest reference length (ties: the shorter) for
// the brevity penalty, and the smoothing methods none / floor / add-k / exp (Chen & Cherry 2014; exp is mteval's and
// sacrebleu's default). Checked against sacrebleu's published test values in test/unit/seq2seq/metrics.test.ts.
import { codePoints, pyRstrip, pySplit } from './whitespace';

export type BleuTokenizer = '13a' | 'none' | 'char';
export type BleuSmoothing = 'exp' | 'none' | 'floor' | 'add-k';

export interface BleuOptions {
  /** default '13a' (mteval-v13a, WMT's) */
  tokenize?: BleuTokenizer;
  /** default 'exp' */
  smooth?: BleuSmoothing;
  /** floor: default 0.1; add-k: default 1 */
  smoothValue?: number;
  /** default 4 */
  maxOrder?: number;
  /** stop at the highest order with any n-gram (sentence-level BLEU); default false for a corpus, true for a sentence */
  effectiveOrder?: boolean;
  lowercase?: boolean;
}

export interface BleuScore {
  /** 0..100 */
  score: number;
  /** matched n-grams per order (1..maxOrder) */
  counts: number[];
  /** hypothesis n-grams per order */
  totals: number[];
  /** per-order precisions in percent, as sacrebleu reports them */
  precisions: number[];
  /** brevity penalty */
  bp: number;
  sysLen: number;
  refLen: number;
}

const SMOOTH_DEFAULTS: Record<BleuSmoothing, number> = { none: 0, floor: 0.1, 'add-k': 1, exp: 0 };

// mteval-v13a's post-tokenizer: punctuation and symbols apart, period and comma apart unless between digits, a dash
// after a digit apart. Symbol ranges: { | } ~, [ \ ] ^ _ `, space ! " # $ % &, ( ) * +, : ; < = > ? @, and /.
const RULES: [RegExp, string][] = [
  [/([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/g, ' $1 '],
  [/([^0-9])([.,])/g, '$1 $2 '],
  [/([.,])([^0-9])/g, ' $1 $2'],
  [/([0-9])(-)/g, '$1 $2 '],
];

/** sacrebleu's Tokenizer13a. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  s = ` ${s} `;
  for (const [re, to] of RULES) s = s.replace(re, to);
  return pySplit(s).join(' ');
}

export function tokenizeForBleu(line: string, tokenize: BleuTokenizer): string {
  if (tokenize === '13a') return tokenize13a(line);
  if (tokenize === 'char') return codePoints(line).join(' ');
  return line;
}

/** n-gram counts of orders 1..maxOrder (keys: the tokens joined by a separator no token contains) and the length. */
function ngrams(line: string, maxOrder: number): { counts: Map<string, number>; length: number } {
  const tokens = pySplit(line);
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}\u0000${tokens.slice(i, i + n).join('\u0001')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return { counts, length: tokens.length };
}

/** The reference length nearest to the hypothesis length; on a tie, the shorter reference. */
function closestRefLength(hypLength: number, refLengths: number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLengths) {
    const diff = Math.abs(hypLength - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/** BLEU from its sufficient statistics (sacrebleu's BLEU.compute_bleu). */
export function computeBleu(correctIn: number[], totalIn: number[], sysLen: number, refLen: number,
  smooth: BleuSmoothing = 'none', smoothValue?: number, effectiveOrder = false, maxOrder = 4): BleuScore {
  const value = smoothValue ?? SMOOTH_DEFAULTS[smooth];
  const correct = correctIn.slice();
  const total = totalIn.slice();
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = (score: number): BleuScore => ({ score, counts: correct, totals: total, precisions, bp, sysLen, refLen });
  if (!correct.some((c) => c !== 0)) return result(0);
  let mteval = 1;
  let effOrder = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1] += value;
      total[n - 1] += value;
    }
    if (total[n - 1] === 0) break;
    if (effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        mteval *= 2;
        precisions[n - 1] = 100 / (mteval * total[n - 1]);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * value) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  // log(0) is floored at -9999999999 as in sacrebleu, so a missing order gives a score of 0
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += precisions[i] === 0 ? -9999999999 : Math.log(precisions[i]);
  return result(bp * Math.exp(logSum / effOrder));
}

/** Per-sentence statistics: [hypLen, refLen, correct x maxOrder, total x maxOrder]. */
function sentenceStats(hyp: string, refs: string[], o: Required<BleuOptions>): number[] {
  const prep = (s: string): string => tokenizeForBleu(pyRstrip(o.lowercase ? s.toLowerCase() : s), o.tokenize);
  const refCounts = new Map<string, number>();
  const refLengths: number[] = [];
  for (const ref of refs) {
    const { counts, length } = ngrams(prep(ref), o.maxOrder);
    refLengths.push(length);
    for (const [g, c] of counts) refCounts.set(g, Math.max(refCounts.get(g) ?? 0, c));
  }
  const { counts, length } = ngrams(prep(hyp), o.maxOrder);
  const correct = new Array<number>(o.maxOrder).fill(0);
  const total = new Array<number>(o.maxOrder).fill(0);
  for (const [g, c] of counts) {
    const n = Number(g.slice(0, g.indexOf('\u0000'))) - 1;
    total[n] += c;
    correct[n] += Math.min(c, refCounts.get(g) ?? 0);
  }
  return [length, closestRefLength(length, refLengths), ...correct, ...total];
}

function withDefaults(o: BleuOptions, effectiveOrder: boolean): Required<BleuOptions> {
  const smooth = o.smooth ?? 'exp';
  return {
    tokenize: o.tokenize ?? '13a', smooth, smoothValue: o.smoothValue ?? SMOOTH_DEFAULTS[smooth],
    maxOrder: o.maxOrder ?? 4, effectiveOrder: o.effectiveOrder ?? effectiveOrder, lowercase: o.lowercase ?? false,
  };
}

/** Corpus BLEU. refs is a list of reference streams, as in sacrebleu: refs[k][i] is the k-th reference of sentence i. */
export function corpusBleu(hyps: readonly string[], refs: readonly (readonly string[])[], options: BleuOptions = {}): BleuScore {
  const o = withDefaults(options, false);
  const sum = new Array<number>(2 + 2 * o.maxOrder).fill(0);
  hyps.forEach((hyp, i) => {
    const stats = sentenceStats(hyp, refs.map((stream) => stream[i]), o);
    for (let j = 0; j < sum.length; j++) sum[j] += stats[j];
  });
  const m = o.maxOrder;
  return computeBleu(sum.slice(2, 2 + m), sum.slice(2 + m), sum[0], sum[1], o.smooth, o.smoothValue, o.effectiveOrder, m);
}

/** Sentence BLEU against one or more references (effective order on by default, as sacrebleu recommends). */
export function sentenceBleu(hyp: string, refs: readonly string[], options: BleuOptions = {}): BleuScore {
  const o = withDefaults(options, true);
  const stats = sentenceStats(hyp, [...refs], o);
  const m = o.maxOrder;
  return computeBleu(stats.slice(2, 2 + m), stats.slice(2 + m), stats[0], stats[1], o.smooth, o.smoothValue, o.effectiveOrder, m);
}
