// Measures one matched GPT/BERT pair on held-out text: fill in the blank (single tokens and whole words, the same
// sites for both), continue the text (GPT next-token accuracy and perplexity, BERT next-token from the left and
// pseudo-perplexity) and greedy continuations side by side; the cost figures the runs recorded come with the input.
// An optional third model (a GRU/LSTM language model) answers the same questions as GPT does (left context only), and
// the next-token loss by position in the window is kept for GPT and it.
// It runs in a job worker from plain data (PairInput); lab/experiments/measure-input.ts gathers that from the store.
import {
  bertBlank, bertNext, bertPseudoScores, continueGreedy, gptBlank, gptWindowScores, loadCheckpointModel, loadRnnRun, rnnBlank, rnnWindowScores,
  type BlankScore, type RnnRunCheckpoint, type RunCheckpoint,
} from './models';
import { sampleTokenSites, sampleWindows, sampleWordSites, specialIds, tokenizeHeldOut, type HeldOut, type HeldOutTexts } from './heldout';
import { LabError } from '../../../common/errors';
import { unigramModel, unigramScore } from '../../ml/baseline';

export interface MeasureOptions {
  /** single-token blanks (the same sites for both models) */
  positions: number;
  /** whole-word blanks */
  words: number;
  /** GPT windows of context+1 tokens for next-token accuracy and perplexity */
  gptWindows: number;
  /** BERT windows for pseudo-perplexity (each costs one forward pass per token) */
  bertWindows: number;
  prompts: number;
  continuationTokens: number;
  /** seed of every sample of sites, windows and prompts */
  seed: number;
}

export const DEFAULT_MEASURE: MeasureOptions = { positions: 500, words: 200, gptWindows: 32, bertWindows: 4, prompts: 3, continuationTokens: 40, seed: 20240 };

/** One model's side of a pair, every figure a plain number (fractions in [0,1]). */
export interface SideFigures {
  tokenTop1: number;
  tokenTop5: number;
  wordTop1: number;
  /** next token from the left context only */
  nextToken: number;
  /** GPT: exp(mean NLL of the next token); BERT: pseudo-perplexity exp(mean NLL of each token masked in turn) */
  perplexity: number;
  parameters: number;
  tokensPerSecond: number;
  wallSeconds: number;
  peakMemoryMiB: number;
  tokensSeen: number;
  /** the kernels the run trained on (native-avx2, js…): speed figures compare only on the same one */
  backend: string;
}

/** The unigram baseline ("predict the most frequent token of the train split") on the same sites and windows. */
export interface BaselineFigures {
  tokenTop1: number;
  tokenTop5: number;
  wordTop1: number;
  nextToken: number;
  perplexity: number;
  /** the most frequent token, as text */
  token: string;
}

export interface PairMeasurement {
  seed: number;
  baseline: BaselineFigures;
  split: 'test' | 'validation';
  positions: number;
  words: number;
  gpt: SideFigures;
  bert: SideFigures;
  /** the GPT windows measured: document of the held-out split, first token, length (tests recompute from them) */
  windows: Array<{ doc: number; start: number; length: number }>;
  continuations: Array<{ prompt: string; gpt: string; bert: string; rnn?: string }>;
  /** the optional GRU/LSTM third model's figures (null: the experiment has none) */
  rnn: SideFigures | null;
  /** mean next-token NLL (nats) at each position t of the windows (t tokens of context), GPT's and the RNN's */
  lossByPosition: { gpt: number[]; rnn: number[] | null };
}

const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

type Blank<M> = (m: M, ids: Int32Array, at: number, span?: number) => { first: BlankScore; word: boolean };

function fillFigures<M>(h: HeldOut, m: M, tokenSites: ReturnType<typeof sampleTokenSites>, wordSites: ReturnType<typeof sampleWordSites>,
  blank: Blank<M>): { tokenTop1: number; tokenTop5: number; wordTop1: number } {
  const scores = tokenSites.map((s) => blank(m, h.docs[s.doc].ids, s.at).first);
  const wordHits = wordSites.map((s) => (blank(m, h.docs[s.doc].ids, s.at, s.span).word ? 1 : 0));
  return {
    tokenTop1: mean(scores.map((s) => (s.rank === 0 ? 1 : 0))),
    tokenTop5: mean(scores.map((s) => (s.rank < 5 ? 1 : 0))),
    wordTop1: wordSites.length > 0 ? mean(wordHits) : Number.NaN,
  };
}

/** Throughput, wall time, peak memory and tokens seen, as the run's metrics and row recorded them. */
export type CostFigures = Pick<SideFigures, 'parameters' | 'tokensPerSecond' | 'wallSeconds' | 'peakMemoryMiB' | 'tokensSeen' | 'backend'>;

/** Everything a measurement reads from the lab, as plain data: a worker process computes from it without the store. */
export interface PairInput {
  seed: number;
  gpt: RunCheckpoint;
  bert: RunCheckpoint;
  heldOut: HeldOutTexts;
  /** the start of the train split, for the unigram baseline's counts */
  train: string[];
  cost: { gpt: CostFigures; bert: CostFigures; rnn?: CostFigures };
  /** the seed's GRU/LSTM run, when the experiment has a third model */
  rnn?: RnnRunCheckpoint;
}

/** Mean NLL at each position over windows of scores (row t of a window: t tokens of context). */
export function lossByPosition(windows: BlankScore[][]): number[] {
  const n = Math.max(0, ...windows.map((w) => w.length));
  return Array.from({ length: n }, (_, t) => mean(windows.filter((w) => t < w.length).map((w) => w[t].nll)));
}

/** The measurement itself: loads both checkpoints and scores them on the same held-out sites. */
export function computePair(input: PairInput, options: Partial<MeasureOptions> = {}): PairMeasurement {
  const o = { ...DEFAULT_MEASURE, ...options };
  const { seed } = input;
  const gpt = loadCheckpointModel(input.gpt);
  const bert = loadCheckpointModel(input.bert);
  const rnn = input.rnn === undefined ? null : loadRnnRun(input.rnn);
  for (const other of rnn === null ? [bert] : [bert, rnn]) {
    if (gpt.tokenizer.vocabSize !== other.tokenizer.vocabSize) {
      throw new LabError('conflict', `Runs ${gpt.runId} and ${other.runId} use different tokenizers (${gpt.tokenizer.vocabSize} vs ${other.tokenizer.vocabSize} tokens), so their numbers do not compare.`, { field: 'runIds' });
    }
  }
  const h = tokenizeHeldOut(input.heldOut, gpt.tokenizer);
  const tokenSites = sampleTokenSites(h, specialIds(gpt.tokenizer), o.positions, o.seed);
  const wordSites = sampleWordSites(h, o.words, o.seed + 1);
  if (tokenSites.length === 0) throw new LabError('invalid_input', `The ${h.split} split has no token with text before it to blank out; give it more text.`, { field: 'dataset' });

  const T = gpt.model.config.contextLength;
  const windows = sampleWindows(h, T + 1, o.gptWindows, o.seed + 2);
  const gptWindows: BlankScore[][] = [];
  const rnnWindows: BlankScore[][] = [];
  const bertNextScores: BlankScore[] = [];
  for (const w of windows) {
    const ids = h.docs[w.doc].ids;
    gptWindows.push(gptWindowScores(gpt, ids.subarray(w.start, w.start + w.length)));
    if (rnn !== null) rnnWindows.push(rnnWindowScores(rnn, ids.subarray(w.start, w.start + w.length)));
    // BERT answers the same next-token questions, on every fourth position to bound the cost
    for (let t = w.start + 1; t < w.start + w.length; t += 4) bertNextScores.push(bertNext(bert, ids, t));
  }
  const bertWidth = bert.clsId !== null ? bert.model.config.contextLength - 1 : bert.model.config.contextLength;
  const pseudo: BlankScore[] = [];
  for (const w of sampleWindows(h, bertWidth, o.bertWindows, o.seed + 3)) {
    pseudo.push(...bertPseudoScores(bert, h.docs[w.doc].ids.subarray(w.start, w.start + w.length)));
  }

  const continuations = sampleWindows(h, Math.min(24, T - 8), o.prompts, o.seed + 4).map((w) => {
    const prompt = h.docs[w.doc].ids.subarray(w.start, w.start + w.length);
    return {
      prompt: gpt.tokenizer.decode(prompt),
      gpt: gpt.tokenizer.decode(continueGreedy(gpt, prompt, o.continuationTokens)),
      bert: bert.tokenizer.decode(continueGreedy(bert, prompt, o.continuationTokens)),
      ...(rnn === null ? {} : { rnn: rnn.tokenizer.decode(continueGreedy(rnn, prompt, o.continuationTokens)) }),
    };
  });

  const specials = specialIds(gpt.tokenizer);
  const unigram = unigramModel(input.train.map((t) => gpt.tokenizer.encode(t).ids), gpt.tokenizer.vocabSize, specials);
  const siteTruths = tokenSites.map((s) => h.docs[s.doc].ids[s.at]);
  const windowTargets = windows.flatMap((w) => Array.from(h.docs[w.doc].ids.subarray(w.start + 1, w.start + w.length)));
  const top = unigram.ranked[0];
  const baseline: BaselineFigures = {
    tokenTop1: unigramScore(unigram, siteTruths).top1,
    tokenTop5: unigramScore(unigram, siteTruths).top5,
    wordTop1: wordSites.length > 0 ? mean(wordSites.map((s) => (Array.from(h.docs[s.doc].ids.subarray(s.at, s.at + s.span)).every((id) => id === top) ? 1 : 0))) : Number.NaN,
    nextToken: unigramScore(unigram, windowTargets).top1,
    perplexity: unigramScore(unigram, windowTargets).perplexity,
    token: gpt.tokenizer.decode([top]),
  };

  const accuracy = (s: BlankScore[]): number => mean(s.map((x) => (x.rank === 0 ? 1 : 0)));
  const perplexity = (s: BlankScore[]): number => Math.exp(mean(s.map((x) => x.nll)));
  const gptScores = gptWindows.flat();
  const rnnScores = rnnWindows.flat();
  const rnnCost = input.cost.rnn;
  if (rnn !== null && rnnCost === undefined) throw new LabError('internal', `The cost figures of run ${rnn.runId} were not gathered with its checkpoint.`);
  return {
    seed, baseline, split: h.split, positions: tokenSites.length, words: wordSites.length, windows, continuations,
    gpt: { ...fillFigures(h, gpt, tokenSites, wordSites, gptBlank), nextToken: accuracy(gptScores), perplexity: perplexity(gptScores), ...input.cost.gpt },
    bert: { ...fillFigures(h, bert, tokenSites, wordSites, bertBlank), nextToken: accuracy(bertNextScores), perplexity: perplexity(pseudo), ...input.cost.bert },
    rnn: rnn === null || rnnCost === undefined ? null
      : { ...fillFigures(h, rnn, tokenSites, wordSites, rnnBlank), nextToken: accuracy(rnnScores), perplexity: perplexity(rnnScores), ...rnnCost },
    lossByPosition: { gpt: lossByPosition(gptWindows), rnn: rnn === null ? null : lossByPosition(rnnWindows) },
  };
}
