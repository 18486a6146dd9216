// The measurements behind the tutorial's BERT-vs-GPT claims that a comparison does not already make, for one
// pre-trained pair: filling a blank with and without the right-hand context on the same sites, and greedy
// continuations (GPT next-token, BERT iterative mask-predict) scored by repetition (distinct-1/2) and by a token
// bigram model of the pre-training text's train split — a held-out scorer that is neither of the two Transformers.
import { LabError } from '../../../common/errors';
import { unigramModel, unigramScore } from '../../ml/baseline';
import { sampleTokenSites, sampleWindows, specialIds, tokenizeHeldOut } from './heldout';
import type { PairInput } from './measure';
import { bertBlank, bertNext, continueGreedy, gptBlank, loadCheckpointModel } from './models';

export interface TutorialOptions {
  /** single-token blanks, the same sites for the three readings */
  sites: number;
  /** prompts to continue, each with the held-out text that really follows it */
  prompts: number;
  promptTokens: number;
  continuationTokens: number;
  seed: number;
}

export const DEFAULT_TUTORIAL: TutorialOptions = { sites: 300, prompts: 8, promptTokens: 16, continuationTokens: 32, seed: 20241 };

/**
 * A continuation whose distinct-2 is below this is degenerate (one token or a two-token loop over and over: 32 newlines
 * score 1/31). The bigram model rates such a loop well when the pair is common in the text (newline → newline), so
 * degenerate continuations are left out of the bigram score instead of rewarded by it. Real text scores ~0.95 here.
 */
export const DEGENERATE_DISTINCT2 = 0.25;

/** Repetition and plausibility of a set of continuations (means over the continuations). */
export interface GenerationFigures {
  /** distinct n-grams / n-grams within one continuation (1 = no repeats; a loop drives it toward 0) */
  distinct1: number;
  distinct2: number;
  /**
   * mean negative log-likelihood per token (nats) under the bigram model of the train split, over the continuations
   * that are not degenerate (NaN when all are); lower reads more like the text
   */
  bigramNll: number;
  /** share of the continuations that are degenerate (distinct-2 below DEGENERATE_DISTINCT2); absent in older records */
  degenerate?: number;
}

/** Whether one continuation is degenerate (too short to tell: no). */
export function isDegenerate(ids: ArrayLike<number>): boolean {
  const d2 = distinctN(ids, 2);
  return Number.isFinite(d2) && d2 < DEGENERATE_DISTINCT2;
}

export interface TutorialPairFigures {
  seed: number;
  split: 'test' | 'validation';
  sites: number;
  /** top-1 accuracy on the same blanks: BERT reading both sides, BERT reading only the left, GPT (left only) */
  fill: { bertBoth: number; bertLeft: number; gptLeft: number };
  /**
   * What tells an under-trained BERT from a probe that reads the same thing twice: the unigram baseline (always the
   * train split's most frequent token) on the same blanks, the share of blanks where BERT's both-sides and left-only
   * top guesses are the same token, and the share where its both-sides guess is its most common guess (1 = it guesses
   * one token everywhere). Absent in records made before these were measured.
   */
  fillCheck?: { unigram: number; unigramToken: string; sameGuess: number; modalShare: number; modalToken: string };
  generation: { gpt: GenerationFigures; bert: GenerationFigures; reference: GenerationFigures };
  samples: Array<{ prompt: string; gpt: string; bert: string; reference: string }>;
}

const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Distinct n-grams over n-grams of one token sequence (NaN when it has fewer than n tokens). */
export function distinctN(ids: ArrayLike<number>, n: number): number {
  const total = ids.length - n + 1;
  if (total <= 0) return Number.NaN;
  const seen = new Set<string>();
  for (let i = 0; i < total; i++) seen.add(Array.prototype.slice.call(ids, i, i + n).join(','));
  return seen.size / total;
}

/** A token bigram model with add-k smoothing: P(b | a) = (c(a,b) + k) / (c(a) + kV). */
export class BigramModel {
  private readonly pairs = new Map<number, number>();
  private readonly firsts = new Map<number, number>();

  constructor(sequences: Int32Array[], private readonly V: number, private readonly k = 0.1) {
    for (const s of sequences) {
      for (let i = 0; i + 1 < s.length; i++) {
        const key = s[i] * V + s[i + 1];
        this.pairs.set(key, (this.pairs.get(key) ?? 0) + 1);
        this.firsts.set(s[i], (this.firsts.get(s[i]) ?? 0) + 1);
      }
    }
  }

  /** Mean NLL (nats) of `next` given the token before it (`previous`, then each token of `next` in turn). */
  meanNll(previous: number, next: ArrayLike<number>): number {
    let sum = 0;
    let a = previous;
    for (let i = 0; i < next.length; i++) {
      const b = next[i];
      const p = ((this.pairs.get(a * this.V + b) ?? 0) + this.k) / ((this.firsts.get(a) ?? 0) + this.k * this.V);
      sum -= Math.log(p);
      a = b;
    }
    return next.length === 0 ? Number.NaN : sum / next.length;
  }
}

export function generationFigures(bigram: BigramModel, items: Array<{ previous: number; ids: Int32Array }>): GenerationFigures {
  const scored = items.filter((x) => !isDegenerate(x.ids));
  return {
    distinct1: mean(items.map((x) => distinctN(x.ids, 1)).filter(Number.isFinite)),
    distinct2: mean(items.map((x) => distinctN(x.ids, 2)).filter(Number.isFinite)),
    bigramNll: mean(scored.map((x) => bigram.meanNll(x.previous, x.ids)).filter(Number.isFinite)),
    degenerate: mean(items.map((x) => (isDegenerate(x.ids) ? 1 : 0))),
  };
}

/** The most frequent value of `xs` (the smaller on a tie; -1 when empty). */
function mostCommon(xs: number[]): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = -1;
  let n = 0;
  for (const [x, c] of counts) if (c > n || (c === n && x < best)) { best = x; n = c; }
  return best;
}

/** Measures one pair: the same blanks read three ways, and continuations of the same prompts by both models. */
export function computeTutorialPair(input: PairInput, options: Partial<TutorialOptions> = {}): TutorialPairFigures {
  const o = { ...DEFAULT_TUTORIAL, ...options };
  const gpt = loadCheckpointModel(input.gpt);
  const bert = loadCheckpointModel(input.bert);
  if (gpt.tokenizer.vocabSize !== bert.tokenizer.vocabSize) {
    throw new LabError('conflict', `Runs ${gpt.runId} and ${bert.runId} use different tokenizers (${gpt.tokenizer.vocabSize} vs ${bert.tokenizer.vocabSize} tokens), so their numbers do not compare.`, { field: 'runIds' });
  }
  const h = tokenizeHeldOut(input.heldOut, gpt.tokenizer);
  const sites = sampleTokenSites(h, specialIds(gpt.tokenizer), o.sites, o.seed);
  if (sites.length === 0) throw new LabError('invalid_input', `The ${h.split} split has no token with text before it to blank out; give it more text.`, { field: 'dataset' });
  const hit = (rank: number): number => (rank === 0 ? 1 : 0);
  const both = sites.map((s) => bertBlank(bert, h.docs[s.doc].ids, s.at).first);
  const left = sites.map((s) => bertNext(bert, h.docs[s.doc].ids, s.at));
  const fill = {
    bertBoth: mean(both.map((x) => hit(x.rank))),
    bertLeft: mean(left.map((x) => hit(x.rank))),
    gptLeft: mean(sites.map((s) => hit(gptBlank(gpt, h.docs[s.doc].ids, s.at).first.rank))),
  };
  const trainIds = input.train.map((t) => gpt.tokenizer.encode(t).ids);
  const unigram = unigramModel(trainIds, gpt.tokenizer.vocabSize, specialIds(gpt.tokenizer));
  const modal = mostCommon(both.map((x) => x.best));
  const fillCheck = {
    unigram: unigramScore(unigram, sites.map((s) => h.docs[s.doc].ids[s.at])).top1,
    unigramToken: gpt.tokenizer.decode([unigram.ranked[0]]),
    sameGuess: mean(both.map((x, i) => (x.best === left[i].best ? 1 : 0))),
    modalShare: mean(both.map((x) => (x.best === modal ? 1 : 0))),
    modalToken: gpt.tokenizer.decode([modal]),
  };

  const P = Math.max(1, Math.min(o.promptTokens, gpt.model.config.contextLength - 8));
  const windows = sampleWindows(h, P + o.continuationTokens, o.prompts, o.seed + 1).filter((w) => w.length > P);
  const bigram = new BigramModel(trainIds, gpt.tokenizer.vocabSize);
  const made = windows.map((w) => {
    const ids = h.docs[w.doc].ids;
    const prompt = ids.subarray(w.start, w.start + P);
    const reference = ids.subarray(w.start + P, w.start + w.length);
    return { prompt, previous: prompt[prompt.length - 1], reference, gpt: continueGreedy(gpt, prompt, reference.length), bert: continueGreedy(bert, prompt, reference.length) };
  });
  const figures = (pick: (m: (typeof made)[number]) => Int32Array): GenerationFigures => generationFigures(bigram, made.map((m) => ({ previous: m.previous, ids: pick(m) })));
  const decode = (ids: Int32Array): string => gpt.tokenizer.decode(ids);
  return {
    seed: input.seed, split: h.split, sites: sites.length, fill, fillCheck,
    generation: { gpt: figures((m) => m.gpt), bert: figures((m) => m.bert), reference: figures((m) => m.reference) },
    samples: made.slice(0, 3).map((m) => ({ prompt: decode(m.prompt), gpt: decode(m.gpt), bert: decode(m.bert), reference: decode(m.reference) })),
  };
}
