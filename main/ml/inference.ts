// Inference on text: tokens with offsets, logits, top-k per position, every layer's attention and hidden states
// from one batch-1 forward pass through the kernels, all as flat typed arrays with their shapes.
//
// The sequence is built as training builds it (batches.ts): GPT reads the text's tokens as they are (no [BOS]);
// BERT reads [CLS] + text (training puts [CLS] first and nothing after), and a pair [CLS] a [SEP] b [SEP] with
// segment ids 0 for [CLS] a [SEP] and 1 for b [SEP] (when the model has segment embeddings).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kernels } from '../../native-kernels/kernels';
import { loadTokenizer, tokenText, type TextTokenizer } from '../data/tokenizers/index';
import { LabError } from '../../common/errors';
import { loadModel } from './checkpoint';
import type { TransformerModel } from './model';

export interface InferToken {
  id: number;
  /** the text the token stands for (byte-level pieces decoded: " the", not "Ġthe"); specials as their name */
  token: string;
  /** [start, end) in UTF-16 code units of the text it came from; -1 for special tokens the model adds */
  start: number;
  end: number;
  /** 0 = the text (or the first of a pair), 1 = the second of a pair */
  segment: number;
  special: boolean;
}

export interface InferOptions {
  /** BERT only: the second sentence of a pair */
  pair?: string;
  /** text longer than the context: 'truncate' keeps one context-sized window of it (and says so), 'error' refuses;
   *  default 'truncate' */
  window?: 'truncate' | 'error';
  /** with 'truncate': the first token of the text the window shows (default 0, the start of the text); a start too
   *  close to the end is moved back so the window stays full. Not with a pair (a pair is trimmed from its ends). */
  start?: number;
  /** how many predictions per position (default 5) */
  topK?: number;
}

export interface InferResult {
  family: 'gpt' | 'bert';
  tokens: InferToken[];
  /** tokens were dropped to fit the context */
  truncated: boolean;
  /** tokens the text had before truncation (specials included) */
  fullLength: number;
  /** index, among the text's own tokens, of the first one in the window (0 unless a later window was asked for) */
  windowStart: number;
  T: number;
  V: number;
  L: number;
  NH: number;
  C: number;
  /** (T,V) */
  logits: Float32Array;
  /** (T,k) ids and softmax probabilities, best first; GPT row t predicts token t+1, BERT row t the token at t */
  topK: { k: number; ids: Int32Array; probs: Float32Array };
  /** (L,NH,T,T) softmax probabilities; rows sum to 1, GPT's upper triangle is 0 */
  attention: Float32Array;
  attentionShape: [number, number, number, number];
  /** (L+1,T,C): 0 = the embeddings as layer 0 reads them, l = the output of block l-1 (before any final LayerNorm) */
  hidden: Float32Array;
  hiddenShape: [number, number, number];
}

interface Piece {
  ids: number[];
  tokens: InferToken[];
}

function encodePiece(tokenizer: TextTokenizer, text: string, segment: number): Piece {
  const enc = tokenizer.encode(text);
  const tokens = Array.from(enc.ids, (id, i) => ({
    id, token: tokenText(tokenizer, id), start: enc.offsets[i][0], end: enc.offsets[i][1], segment, special: false,
  }));
  return { ids: Array.from(enc.ids), tokens };
}

function special(tokenizer: TextTokenizer, name: '[CLS]' | '[SEP]', segment: number): InferToken {
  return { id: tokenizer.specialId(name), token: name, start: -1, end: -1, segment, special: true };
}

/** Assembles the model's input sequence and trims it to the context (longest piece first for a pair). */
function buildSequence(model: TransformerModel, tokenizer: TextTokenizer, text: string, opts: InferOptions): { tokens: InferToken[]; truncated: boolean; fullLength: number; windowStart: number } {
  const c = model.config;
  if (text.trim() === '') throw new LabError('invalid_input', 'The text is empty; type at least one word to look inside the model.', { field: 'text' });
  if (opts.pair !== undefined && c.family !== 'bert') {
    throw new LabError('invalid_input', 'A sentence pair was given, but only BERT models read pairs; remove the second sentence for this GPT model.', { field: 'pair' });
  }
  if (opts.pair !== undefined && opts.pair.trim() === '') {
    throw new LabError('invalid_input', 'The second sentence of the pair is empty; type it or leave the pair out.', { field: 'pair' });
  }
  const a = encodePiece(tokenizer, text, 0);
  const b = opts.pair !== undefined ? encodePiece(tokenizer, opts.pair, c.typeVocabSize > 1 ? 1 : 0) : null;
  if (a.tokens.length === 0) throw new LabError('invalid_input', `The text ${JSON.stringify(text.slice(0, 40))} gives no tokens with this tokenizer; type some words.`, { field: 'text' });
  const specials = c.family === 'gpt' ? 0 : b === null ? 1 : 3;
  const fullLength = a.tokens.length + (b?.tokens.length ?? 0) + specials;
  const room = c.contextLength - specials;
  const truncated = fullLength > c.contextLength;
  if (truncated && opts.window === 'error') {
    throw new LabError('invalid_input', `The text is ${fullLength} tokens long, more than the model's context of ${c.contextLength}; shorten it or choose truncation.`, { field: 'text' });
  }
  let keepA = a.tokens.length;
  let keepB = b?.tokens.length ?? 0;
  while (keepA + keepB > room) {
    if (keepB > keepA) keepB--;
    else keepA--;
  }
  if (keepA === 0 || (b !== null && keepB === 0)) {
    throw new LabError('invalid_input', `The model's context of ${c.contextLength} tokens is too short for this input; use a model with a longer context.`, { field: 'text' });
  }
  const windowStart = Math.min(windowStartOf(opts, b !== null), a.tokens.length - keepA);
  const tokens: InferToken[] = [];
  if (c.family === 'bert') tokens.push(special(tokenizer, '[CLS]', 0));
  tokens.push(...a.tokens.slice(windowStart, windowStart + keepA));
  if (b !== null) {
    tokens.push(special(tokenizer, '[SEP]', 0), ...b.tokens.slice(0, keepB), special(tokenizer, '[SEP]', b.tokens[0].segment));
  }
  return { tokens, truncated, fullLength, windowStart };
}

/** The asked window start, checked: a whole number >= 0, and only for a single text. */
function windowStartOf(opts: InferOptions, pair: boolean): number {
  const start = opts.start ?? 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new LabError('invalid_input', `The window start ${start} must be a whole number of tokens from 0 up.`, { field: 'start' });
  }
  if (start > 0 && pair) {
    throw new LabError('invalid_input', 'A window start applies to a single text; a sentence pair is trimmed from its ends instead. Remove the start or the second sentence.', { field: 'start' });
  }
  return start;
}

/** Softmax top-k of each logits row: (rows,k) ids and probabilities. Selection keeps a sorted list of k, so a
 *  50k-token vocabulary costs O(V·k) per row rather than a full sort. Ties keep the lower id first. */
export function topKRows(logits: Float32Array, rows: number, V: number, k: number): { k: number; ids: Int32Array; probs: Float32Array } {
  const kk = Math.max(1, Math.min(k, V));
  const ids = new Int32Array(rows * kk);
  const probs = new Float32Array(rows * kk);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * V, (r + 1) * V);
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (row[v] > max) max = row[v];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(row[v] - max);
    const best: number[] = [];
    for (let v = 0; v < V; v++) {
      if (best.length === kk && row[v] <= row[best[kk - 1]]) continue;
      let at = best.length;
      while (at > 0 && row[best[at - 1]] < row[v]) at--;
      best.splice(at, 0, v);
      if (best.length > kk) best.pop();
    }
    best.forEach((id, j) => {
      ids[r * kk + j] = id;
      probs[r * kk + j] = Math.exp(row[id] - max) / sum;
    });
  }
  return { k: kk, ids, probs };
}

/** One forward pass of `text` (batch 1, no dropout); copies the outputs out of the model's reusable buffers. */
export function inferText(model: TransformerModel, tokenizer: TextTokenizer, text: string, opts: InferOptions = {}): InferResult {
  const c = model.config;
  if (tokenizer.vocabSize > c.vocabSize) {
    throw new LabError('invalid_input', `The tokenizer has ${tokenizer.vocabSize} tokens but the model only ${c.vocabSize}; use the tokenizer the model was trained with.`, { field: 'tokenizer' });
  }
  const { tokens, truncated, fullLength, windowStart } = buildSequence(model, tokenizer, text, opts);
  const T = tokens.length;
  const ids = Int32Array.from(tokens, (t) => t.id);
  const segments = c.family === 'bert' && c.typeVocabSize > 0 ? Int32Array.from(tokens, (t) => t.segment) : null;
  model.forward({ B: 1, T, tokens: ids, targets: null, keyMask: null, segments }, { train: false });
  const { vocabSize: V, nLayer: L, nHead: NH, dModel: C } = c;
  const logits = Float32Array.from(model.logits().subarray(0, T * V));
  const acts = model.acts;
  const hidden = new Float32Array((L + 1) * T * C);
  const first = c.norm === 'post' ? 'ln_e' : 'encoded';
  hidden.set(acts.view(first).subarray(0, T * C), 0);
  for (let l = 0; l < L; l++) {
    const out = acts.view(c.norm === 'pre' ? `h.${l}.res2` : `h.${l}.ln_2`);
    hidden.set(out.subarray(0, T * C), (l + 1) * T * C);
  }
  return {
    family: c.family, tokens, truncated, fullLength, windowStart, T, V, L, NH, C, logits,
    topK: topKRows(logits, T, V, opts.topK ?? 5),
    attention: Float32Array.from(model.attention().subarray(0, L * NH * T * T)),
    attentionShape: [L, NH, T, T],
    hidden, hiddenShape: [L + 1, T, C],
  };
}

export interface LoadedCheckpoint {
  model: TransformerModel;
  tokenizer: TextTokenizer;
  tokenizerJson: string;
  step: number;
  dir: string;
}

/** A checkpoint folder (model.safetensors + tokenizer.json) ready for inference; missing files are named. */
export function loadForInference(k: Kernels, dir: string): LoadedCheckpoint {
  for (const file of ['model.safetensors', 'tokenizer.json']) {
    if (!existsSync(join(dir, file))) {
      throw new LabError('not_found', `The checkpoint folder ${dir} has no ${file}; its files were deleted or moved. Choose another checkpoint of the run.`, { field: file });
    }
  }
  const tokenizerJson = readFileSync(join(dir, 'tokenizer.json'), 'utf8');
  const tokenizer = loadTokenizer(tokenizerJson);
  const { model, step } = loadModel(k, join(dir, 'model.safetensors'), { expectVocabSize: tokenizer.vocabSize });
  // Nothing trains a checkpoint loaded for inference, so its linear weights are packed once for every forward.
  model.freezeForInference();
  return { model, tokenizer, tokenizerJson, step, dir };
}
