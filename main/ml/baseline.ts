// The unigram baseline: "predict the most frequent token", the bar every trained model must clear. Counts come from
// the training split; scores are taken on exactly the targets a model is scored on (same sites, same windows).
import { IGNORE_INDEX } from './model';
import { LabError } from '../../common/errors';

export interface UnigramModel {
  vocabSize: number;
  /** occurrences of each id in the training text (ids listed in `excluded` are left out) */
  counts: Float64Array;
  total: number;
  /** ids by falling count (ties: the smaller id first); ranked[0] is "the most frequent token" */
  ranked: Int32Array;
}

export interface UnigramScore {
  /** share of targets equal to the most frequent token */
  top1: number;
  /** share of targets among the five most frequent tokens */
  top5: number;
  /** mean negative log-likelihood under the add-one smoothed unigram distribution (nats; never infinite) */
  loss: number;
  /** exp(loss) */
  perplexity: number;
  /** number of targets scored (IGNORE_INDEX entries are skipped) */
  count: number;
}

/** Counts the ids of `docs` (special ids in `excluded` are not counted, so they are never "the most frequent"). */
export function unigramModel(docs: Iterable<ArrayLike<number>>, vocabSize: number, excluded: Iterable<number> = []): UnigramModel {
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw new LabError('invalid_input', `The vocabulary size is ${vocabSize}, but a unigram baseline needs a whole number of at least 1.`, { field: 'vocabSize' });
  }
  const skip = new Set(excluded);
  const counts = new Float64Array(vocabSize);
  let total = 0;
  for (const d of docs) {
    for (let i = 0; i < d.length; i++) {
      const id = d[i];
      if (id < 0 || id >= vocabSize || skip.has(id)) continue;
      counts[id] += 1;
      total += 1;
    }
  }
  const ranked = Int32Array.from({ length: vocabSize }, (_, i) => i).sort((a, b) => counts[b] - counts[a] || a - b);
  return { vocabSize, counts, total, ranked };
}

/** The baseline's accuracy and loss on `targets` (any shape, flat; IGNORE_INDEX entries are skipped). */
export function unigramScore(model: UnigramModel, targets: Iterable<number>): UnigramScore {
  const top1 = model.ranked[0];
  const top5 = new Set(Array.from(model.ranked.subarray(0, Math.min(5, model.vocabSize))));
  const denominator = model.total + model.vocabSize;
  let hits1 = 0;
  let hits5 = 0;
  let nll = 0;
  let count = 0;
  for (const y of targets) {
    if (y === IGNORE_INDEX) continue;
    count++;
    if (y === top1) hits1++;
    if (top5.has(y)) hits5++;
    const c = y >= 0 && y < model.vocabSize ? model.counts[y] : 0;
    nll -= Math.log((c + 1) / denominator);
  }
  const loss = count > 0 ? nll / count : Number.NaN;
  return { top1: count > 0 ? hits1 / count : Number.NaN, top5: count > 0 ? hits5 / count : Number.NaN, loss, perplexity: Math.exp(loss), count };
}

/** How far a model's accuracy is above the baseline's, and whether that is a clear win: at least `margin` points
 *  (default 2) above it. A model at or below the bar has learned nothing a frequency table does not know. */
export function beatsBaseline(accuracy: number | null, baseline: number | null, margin = 0.02): { beats: boolean; points: number | null } {
  if (accuracy === null || baseline === null || !Number.isFinite(accuracy) || !Number.isFinite(baseline)) return { beats: false, points: null };
  const points = accuracy - baseline;
  return { beats: points >= margin, points };
}
