// The measurements behind the tutorial's BERT-vs-GPT claims that a comparison does not already make, for one
// pre-trained pair: filling a blank with and without the right-hand context on the same sites, and greedy
// continuations (GPT next-token, BERT iterative mask-predict) scored by repetition (distinct-1/2) and by a token
// bigram model of the pre-training text's train split — a held-out scorer that is neither of the two Transformers.
import { LabError } from '../../../common/errors';
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

/** Repetition and plausibility of a set of continuations (means over the continuations). */
export interface GenerationFigures {
  /** distinct n-grams / n-grams within one continuation (1 = no repeats; a loop drives it toward 0) */
  distinct1: number;
  distinct2: number;
  /** mean negative log-likelihood per token (nats) under the bigram model of the train split; lower reads more like it */
  bigramNll: number;
}

export interface TutorialPairFigures {
  seed: number;
  split: 'test' | 'validation';
  sites: number;
  /** top-1 accuracy on the same blanks: BERT reading both sides, BERT reading only the left, GPT (left only) */
  fill: { bertBoth: number; bertLeft: number; gptLeft: number };
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

function generationFigures(bigram: BigramModel, items: Array<{ previous: number; ids: Int32Array }>): GenerationFigures {
  return {
    distinct1: mean(items.map((x) => distinctN(x.ids, 1)).filter(Number.isFinite)),
    distinct2: mean(items.map((x) => distinctN(x.ids, 2)).filter(Number.isFinite)),
    bigramNll: mean(items.map((x) => bigram.meanNll(x.previous, x.ids)).filter(Number.isFinite)),
  };
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
  const fill = {
    bertBoth: mean(sites.map((s) => hit(bertBlank(bert, h.docs[s.doc].ids, s.at).first.rank))),
    bertLeft: mean(sites.map((s) => hit(bertNext(bert, h.docs[s.doc].ids, s.at).rank))),
    gptLeft: mean(sites.map((s) => hit(gptBlank(gpt, h.docs[s.doc].ids, s.at).first.rank))),
  };

  const P = Math.max(1, Math.min(o.promptTokens, gpt.model.config.contextLength - 8));
  const windows = sampleWindows(h, P + o.continuationTokens, o.prompts, o.seed + 1).filter((w) => w.length > P);
  const bigram = new BigramModel(input.train.map((t) => gpt.tokenizer.encode(t).ids), gpt.tokenizer.vocabSize);
  const made = windows.map((w) => {
    const ids = h.docs[w.doc].ids;
    const prompt = ids.subarray(w.start, w.start + P);
    const reference = ids.subarray(w.start + P, w.start + w.length);
    return { prompt, previous: prompt[prompt.length - 1], reference, gpt: continueGreedy(gpt, prompt, reference.length), bert: continueGreedy(bert, prompt, reference.length) };
  });
  const figures = (pick: (m: (typeof made)[number]) => Int32Array): GenerationFigures => generationFigures(bigram, made.map((m) => ({ previous: m.previous, ids: pick(m) })));
  const decode = (ids: Int32Array): string => gpt.tokenizer.decode(ids);
  return {
    seed: input.seed, split: h.split, sites: sites.length, fill,
    generation: { gpt: figures((m) => m.gpt), bert: figures((m) => m.bert), reference: figures((m) => m.reference) },
    samples: made.slice(0, 3).map((m) => ({ prompt: decode(m.prompt), gpt: decode(m.gpt), bert: decode(m.bert), reference: decode(m.reference) })),
  };
}
