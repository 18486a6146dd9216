// Probing trained models: GPT continuation (temperature, top-k, top-p, stop at end token) and BERT fill-mask.
import type { BertModel } from './bert';
import type { GptModel } from './gpt';
import { Rng } from './rng';
import { LabError } from '../../common/errors';

export interface GenerateOptions {
  maxTokens: number;
  /** 0 = greedy (always the most likely token) */
  temperature?: number;
  /** keep only the k most likely tokens (0 = all) */
  topK?: number;
  /** keep the smallest set of tokens whose probability reaches p (1 = all) */
  topP?: number;
  seed?: number;
  /** generation stops after producing this token (it is included in the output) */
  eosId?: number;
  /** token ids never to produce (e.g. [PAD], [MASK]: they have no text) */
  banIds?: readonly number[];
}

/** Refuses an empty prompt and out-of-range sampling settings (shared by every model's continuation). */
export function checkGenerateOptions(prompt: Int32Array, opts: GenerateOptions): void {
  const temperature = opts.temperature ?? 1;
  const topK = opts.topK ?? 0;
  const topP = opts.topP ?? 1;
  if (prompt.length === 0) throw new LabError('invalid_input', 'The prompt is empty; give at least one token to continue from.', { field: 'prompt' });
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 1) throw new LabError('invalid_input', `maxTokens ${opts.maxTokens} must be a whole number of at least 1.`, { field: 'maxTokens' });
  if (!(temperature >= 0)) throw new LabError('invalid_input', `Temperature ${temperature} must be 0 (greedy) or more.`, { field: 'temperature' });
  if (!(topP > 0 && topP <= 1)) throw new LabError('invalid_input', `top-p ${topP} must be above 0 and at most 1.`, { field: 'topP' });
  if (!Number.isInteger(topK) || topK < 0) throw new LabError('invalid_input', `top-k ${topK} must be a whole number, 0 for no limit.`, { field: 'topK' });
}

/** The next token from one position's logits (V): banned ids removed, then greedy or sampled as opts say. */
export function pickNext(logits: Float32Array, opts: GenerateOptions, rng: Rng): number {
  const V = logits.length;
  if (opts.banIds !== undefined && opts.banIds.length > 0) {
    logits = Float32Array.from(logits);
    for (const id of opts.banIds) if (id >= 0 && id < V) logits[id] = -Infinity;
  }
  const temperature = opts.temperature ?? 1;
  return temperature === 0 ? argmax(logits) : sampleFrom(softmax(logits, temperature), opts.topK ?? 0, opts.topP ?? 1, rng);
}

/** Continues `prompt` (token ids); returns only the new tokens. The context slides when longer than the model's. */
export function generate(model: GptModel, prompt: Int32Array, opts: GenerateOptions): Int32Array {
  const c = model.config;
  checkGenerateOptions(prompt, opts);
  const rng = new Rng(opts.seed ?? 0);
  const tokens = Array.from(prompt);
  const out: number[] = [];
  const V = c.vocabSize;
  for (let i = 0; i < opts.maxTokens; i++) {
    const context = Int32Array.from(tokens.slice(-c.contextLength));
    const T = context.length;
    model.forward({ B: 1, T, tokens: context, targets: null }, { train: false });
    const next = pickNext(model.logits().subarray((T - 1) * V, T * V), opts, rng);
    tokens.push(next);
    out.push(next);
    if (opts.eosId !== undefined && next === opts.eosId) break;
  }
  return Int32Array.from(out);
}

export interface MaskPrediction {
  /** position of the [MASK] token in the input */
  position: number;
  /** most likely fillers, best first */
  candidates: Array<{ id: number; probability: number }>;
}

/** For every [MASK] in `tokens`, the top-k predicted token ids with their probabilities. */
export function fillMask(model: BertModel, tokens: Int32Array, maskId: number, topK = 5, segments: Int32Array | null = null): MaskPrediction[] {
  const c = model.config;
  if (tokens.length > c.contextLength) {
    throw new LabError('invalid_input', `The text is ${tokens.length} tokens long, more than the model's context of ${c.contextLength}; shorten it.`, { field: 'text' });
  }
  const positions: number[] = [];
  tokens.forEach((t, i) => { if (t === maskId) positions.push(i); });
  if (positions.length === 0) throw new LabError('invalid_input', 'The text has no [MASK] token to fill; put [MASK] where a word should be predicted.', { field: 'text' });
  const T = tokens.length;
  model.forward({ B: 1, T, tokens, targets: null, segments }, { train: false });
  const V = c.vocabSize;
  const logits = model.logits();
  return positions.map((p) => {
    const probs = softmax(logits.subarray(p * V, (p + 1) * V), 1);
    const order = topIndices(probs, Math.min(topK, V));
    return { position: p, candidates: order.map((id) => ({ id, probability: probs[id] })) };
  });
}

/** The k most likely tokens of one position's logits (V) with their softmax probabilities, best first (ties: lower id). */
export function topCandidates(logits: Float32Array, k: number): Array<{ id: number; probability: number }> {
  const probs = softmax(logits, 1);
  return topIndices(probs, Math.min(k, logits.length)).map((id) => ({ id, probability: probs[id] }));
}

function softmax(logits: Float32Array, temperature: number): Float64Array {
  const p = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    p[i] = Math.exp(logits[i] / temperature - max);
    sum += p[i];
  }
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** indices of the k largest values, largest first (ties: lower index first) */
function topIndices(v: Float64Array, k: number): number[] {
  return Array.from(v.keys()).sort((a, b) => v[b] - v[a] || a - b).slice(0, k);
}

/** Draws one id after cutting the distribution to top-k and to the top-p nucleus, then renormalising. */
function sampleFrom(probs: Float64Array, topK: number, topP: number, rng: Rng): number {
  let order = topIndices(probs, topK > 0 ? Math.min(topK, probs.length) : probs.length);
  if (topP < 1) {
    let acc = 0;
    let keep = 0;
    while (keep < order.length && acc < topP) acc += probs[order[keep++]];
    order = order.slice(0, Math.max(1, keep));
  }
  let total = 0;
  for (const id of order) total += probs[id];
  let r = rng.next() * total;
  for (const id of order) {
    r -= probs[id];
    if (r <= 0) return id;
  }
  return order[order.length - 1];
}
