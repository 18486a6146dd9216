// Quality of decoded outputs against references: exact match, token accuracy, corpus BLEU and chrF, overall and by
// source-length bucket (the x axis of Bahdanau et al.'s Figure 2).
import { corpusBleu, type BleuTokenizer } from './bleu';
import { corpusChrf } from './chrf';

export interface Prediction {
  /** source length in tokens (what the buckets group by) */
  sourceLength: number;
  reference: string;
  hypothesis: string;
  referenceIds: readonly number[];
  hypothesisIds: readonly number[];
}

export interface Quality {
  pairs: number;
  /** share of outputs equal to their reference, 0..1 */
  exactMatch: number;
  /** share of token positions that agree, over the longer of output and reference (extra or missing tokens count as
   *  wrong), 0..1 */
  tokenAccuracy: number;
  /** corpus BLEU, 0..100 */
  bleu: number;
  /** corpus chrF (chrF2), 0..100 */
  chrf: number;
}

export interface LengthBucket {
  /** inclusive source-length range */
  lo: number;
  hi: number;
}

/** `count` buckets of equal width covering lengths min..max (the last one takes the remainder). */
export function lengthBuckets(min: number, max: number, count: number): LengthBucket[] {
  const n = Math.max(1, Math.min(count, max - min + 1));
  const width = Math.ceil((max - min + 1) / n);
  const out: LengthBucket[] = [];
  for (let lo = min; lo <= max; lo += width) out.push({ lo, hi: Math.min(max, lo + width - 1) });
  return out;
}

/** Agreeing positions and compared positions of one output. */
export function tokenAgreement(hyp: readonly number[], ref: readonly number[]): { same: number; total: number } {
  let same = 0;
  for (let i = 0; i < Math.min(hyp.length, ref.length); i++) if (hyp[i] === ref[i]) same++;
  return { same, total: Math.max(hyp.length, ref.length, 1) };
}

export function measureQuality(preds: readonly Prediction[], tokenize: BleuTokenizer): Quality {
  if (preds.length === 0) return { pairs: 0, exactMatch: 0, tokenAccuracy: 0, bleu: 0, chrf: 0 };
  let exact = 0;
  let same = 0;
  let total = 0;
  for (const p of preds) {
    if (p.hypothesis === p.reference) exact++;
    const a = tokenAgreement(p.hypothesisIds, p.referenceIds);
    same += a.same;
    total += a.total;
  }
  const hyps = preds.map((p) => p.hypothesis);
  const refs = [preds.map((p) => p.reference)];
  return {
    pairs: preds.length, exactMatch: exact / preds.length, tokenAccuracy: same / total,
    bleu: corpusBleu(hyps, refs, { tokenize }).score, chrf: corpusChrf(hyps, refs),
  };
}

export interface BucketQuality extends Quality, LengthBucket {}

/** Quality over all predictions and within each bucket (a bucket without predictions reports pairs 0). */
export function qualityByLength(preds: readonly Prediction[], buckets: readonly LengthBucket[], tokenize: BleuTokenizer):
{ overall: Quality; buckets: BucketQuality[] } {
  return {
    overall: measureQuality(preds, tokenize),
    buckets: buckets.map((b) => ({ ...b, ...measureQuality(preds.filter((p) => p.sourceLength >= b.lo && p.sourceLength <= b.hi), tokenize) })),
  };
}
