// The model-side primitives of a BERT-vs-GPT comparison: load a checkpoint folder, score a blank from the
// left context (GPT, and the optional GRU/LSTM third model) or from both sides (BERT), greedy continuation for all
// (BERT by iterative mask-predict, the RNN from its carried state).
import { continueTokens, forwardLogits, loadProbeModel, loadTransformerProbe, type ProbeCheckpoint, type RnnProbe, type TransformerProbe } from '../../ml/probes';

/** A comparison's loaded model: a GPT or BERT probe model (ml/probes.ts). */
export type LoadedRun = TransformerProbe;

/** Where a GPT or BERT run's checkpoint lies (plain data, so a worker process can load it). */
export type RunCheckpoint = ProbeCheckpoint & { family: 'gpt' | 'bert' };

/** Where the optional third model's (a GRU/LSTM language model's) checkpoint lies. */
export type RnnRunCheckpoint = ProbeCheckpoint & { family: 'gru' | 'lstm' };

/** Loads a GRU/LSTM checkpoint folder: its weights and its own tokenizer.json. */
export function loadRnnRun(ckpt: RnnRunCheckpoint): RnnProbe {
  return loadProbeModel(ckpt) as RnnProbe;
}

/** Loads a checkpoint folder: its weights and its own tokenizer.json. */
export function loadCheckpointModel(ckpt: RunCheckpoint): LoadedRun {
  return loadTransformerProbe(ckpt);
}

/** What one model says about one blank: the rank of the true token (0 = its top guess) and the true token's NLL. */
export interface BlankScore {
  rank: number;
  nll: number;
  /** the top guess */
  best: number;
}

/** Rank, negative log-likelihood and argmax of `truth` in one row of logits. */
export function scoreRow(row: Float32Array, truth: number): BlankScore {
  let max = -Infinity;
  let best = 0;
  for (let v = 0; v < row.length; v++) if (row[v] > max) { max = row[v]; best = v; }
  let sum = 0;
  let rank = 0;
  const t = row[truth];
  for (let v = 0; v < row.length; v++) {
    sum += Math.exp(row[v] - max);
    if (row[v] > t) rank++;
  }
  return { rank, nll: Math.log(sum) + max - t, best };
}

function row(logits: Float32Array, V: number, t: number): Float32Array {
  return logits.subarray(t * V, (t + 1) * V);
}

/**
 * GPT's guess for ids[at .. at+span) reading only what comes before: the first blank is scored from the left context;
 * later tokens of a multi-token word are decoded greedily from its own earlier guesses (never from the truth).
 * Returns the score of the first token and whether the greedy word matched entirely.
 */
export function gptBlank(m: LoadedRun, ids: Int32Array, at: number, span = 1): { first: BlankScore; word: boolean } {
  const T = m.model.config.contextLength;
  const V = m.model.config.vocabSize;
  const left = Array.from(ids.subarray(Math.max(0, at - T), at));
  let first: BlankScore | null = null;
  let word = true;
  for (let i = 0; i < span; i++) {
    const context = Int32Array.from(left.slice(-T));
    const logits = forwardLogits(m, context);
    const s = scoreRow(row(logits, V, context.length - 1), ids[at + i]);
    first ??= s;
    if (s.best !== ids[at + i]) word = false;
    left.push(s.best);
  }
  return { first: first as BlankScore, word };
}

/**
 * BERT's guess for ids[at .. at+span) with all of them masked, reading a window of both sides around them
 * ([CLS] + window, as in training). Returns the score of the first token and whether every masked token's top
 * guess was right.
 */
export function bertBlank(m: LoadedRun, ids: Int32Array, at: number, span = 1): { first: BlankScore; word: boolean } {
  const T = m.model.config.contextLength;
  const V = m.model.config.vocabSize;
  const W = m.clsId !== null ? T - 1 : T;
  const start = Math.max(0, Math.min(at - Math.floor((W - span) / 2), ids.length - W));
  const piece = Int32Array.from(ids.subarray(start, start + W));
  for (let i = 0; i < span; i++) piece[at - start + i] = m.maskId;
  const input = m.clsId !== null ? Int32Array.from([m.clsId, ...piece]) : piece;
  const offset = m.clsId !== null ? 1 : 0;
  const logits = forwardLogits(m, input);
  let first: BlankScore | null = null;
  let word = true;
  for (let i = 0; i < span; i++) {
    const s = scoreRow(row(logits, V, at - start + i + offset), ids[at + i]);
    first ??= s;
    if (s.best !== ids[at + i]) word = false;
  }
  return { first: first as BlankScore, word };
}

/** BERT asked for the next token: the left context, then one [MASK] at the end (no right context at all). */
export function bertNext(m: LoadedRun, ids: Int32Array, at: number): BlankScore {
  const T = m.model.config.contextLength;
  const room = (m.clsId !== null ? T - 1 : T) - 1;
  const left = Array.from(ids.subarray(Math.max(0, at - room), at));
  const input = Int32Array.from([...(m.clsId !== null ? [m.clsId] : []), ...left, m.maskId]);
  const logits = forwardLogits(m, input);
  return scoreRow(row(logits, m.model.config.vocabSize, input.length - 1), ids[at]);
}

/** GPT's next-token scores of every position of a window ids[0..n): row t predicts ids[t+1]. */
export function gptWindowScores(m: LoadedRun, window: Int32Array): BlankScore[] {
  const input = window.subarray(0, window.length - 1);
  const logits = forwardLogits(m, Int32Array.from(input));
  const V = m.model.config.vocabSize;
  return Array.from(input, (_, t) => scoreRow(row(logits, V, t), window[t + 1]));
}

/**
 * The RNN's guess for ids[at .. at+span) from the left context only, as GPT's: it reads up to its context length of
 * tokens before the blank from a zero state (as every training window starts); later tokens of a multi-token word are
 * stepped greedily from its own guesses with the state carried.
 */
export function rnnBlank(m: RnnProbe, ids: Int32Array, at: number, span = 1): { first: BlankScore; word: boolean } {
  const { contextLength: T, vocabSize: V } = m.model.config;
  const left = Int32Array.from(ids.subarray(Math.max(0, at - T), at));
  let state = m.model.run(left, 1, left.length, null);
  let last = left.length - 1;
  let first: BlankScore | null = null;
  let word = true;
  for (let i = 0; i < span; i++) {
    const s = scoreRow(row(m.model.logits(), V, last), ids[at + i]);
    first ??= s;
    if (s.best !== ids[at + i]) word = false;
    if (i + 1 < span) {
      state = m.model.run(Int32Array.of(s.best), 1, 1, state);
      last = 0;
    }
  }
  return { first: first as BlankScore, word };
}

/** The RNN's next-token scores of every position of a window ids[0..n), read from a zero state: row t predicts ids[t+1]. */
export function rnnWindowScores(m: RnnProbe, window: Int32Array): BlankScore[] {
  const input = Int32Array.from(window.subarray(0, window.length - 1));
  m.model.run(input, 1, input.length, null);
  const logits = m.model.logits();
  const V = m.model.config.vocabSize;
  return Array.from(input, (_, t) => scoreRow(row(logits, V, t), window[t + 1]));
}

/** BERT's pseudo-log-likelihood scores of a window: each position masked in turn, read with both sides. */
export function bertPseudoScores(m: LoadedRun, window: Int32Array): BlankScore[] {
  return Array.from(window, (_, i) => bertBlank(m, window, i).first);
}

/**
 * Greedy continuation of `prompt` by `count` tokens (ml/probes.ts continueTokens at temperature 0). GPT and the RNN:
 * their next-token argmax. BERT: iterative mask-predict with `lookahead` [MASK]s after the context.
 */
export function continueGreedy(m: LoadedRun | RnnProbe, prompt: Int32Array, count: number, lookahead = 4): Int32Array {
  // generate refuses a request for no tokens; a measurement may ask for none
  return count < 1 ? new Int32Array(0) : continueTokens(m, prompt, { maxTokens: count, temperature: 0, lookahead });
}
