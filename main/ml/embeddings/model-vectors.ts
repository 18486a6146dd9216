// The models' own vectors as vector sets for the projector: a GPT/BERT checkpoint's token embedding table (wte), its
// position table (learned wpe, or the fixed sinusoidal one), and contextual vectors — the hidden state of every token
// of some texts at a chosen layer, so one word in two sentences becomes two points.
import type { TextTokenizer } from '../../data/tokenizers/index';
import type { VectorSet, VectorSource } from '../../../common/embeddings/vector-set';
import { LabError } from '../../../common/errors';
import { visibleToken } from '../../../common/token-text';
import { inferText } from '../inference';
import type { TransformerModel } from '../model';
import { sinusoidalTable } from '../params';

/** A model's vector set: the shared VectorSet with one of the model kinds as its source. */
export type ModelVectorSet = VectorSet & { source: Extract<VectorSource, { kind: 'token-embedding' | 'position-embedding' | 'contextual' }> };

export interface RunRef {
  runId: number;
  runName: string;
  /** checkpoint folder name, e.g. 'step-000400' or 'final' */
  checkpoint: string;
}

/** Text a token stands for in the lab's notation (common/token-text: "·the", "⏎"), so "the" and " the" tell apart. */
function tokenLabel(tokenizer: TextTokenizer, id: number): string {
  const text = tokenizer.decode([id]);
  if (text === '') return tokenizer.idToToken(id) ?? `#${id}`;
  return visibleToken(text);
}

/** A sentence as the projector's legend names it: its number and its opening words ("2: To be, or not to be…"). */
function sentenceName(index: number, text: string): string {
  const words = [...text.replace(/\s+/g, ' ').trim()];
  return `${index + 1}: ${words.length > 40 ? `${words.slice(0, 39).join('')}…` : words.join('')}`;
}

/** Every token of the tokenizer as a row of the model's input embedding (wte, tied with the output head). */
export function tokenEmbeddingSet(model: TransformerModel, tokenizer: TextTokenizer, ref: RunRef): ModelVectorSet {
  const C = model.config.dModel;
  const V = Math.min(tokenizer.vocabSize, model.config.vocabSize);
  const wte = model.params.view('wte');
  const labels: string[] = [];
  const ids: number[] = [];
  const kinds: string[] = [];
  const specials = new Set<number>();
  for (const name of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]', '[EOS]'] as const) {
    try {
      specials.add(tokenizer.specialId(name));
    } catch {
      // this tokenizer has no such token
    }
  }
  for (let id = 0; id < V; id++) {
    labels.push(specials.has(id) ? (tokenizer.idToToken(id) ?? `#${id}`) : tokenLabel(tokenizer, id));
    ids.push(id);
    kinds.push(specials.has(id) ? 'special' : 'token');
  }
  return {
    key: `run:${ref.runId}@${ref.checkpoint}#token`,
    title: `${model.config.family.toUpperCase()} ${ref.runName}, ${ref.checkpoint}: token embeddings`,
    source: { kind: 'token-embedding', runId: ref.runId, checkpoint: ref.checkpoint },
    labels, dim: C, vectors: Float32Array.from(wte.subarray(0, V * C)), columns: { id: ids, kind: kinds },
  };
}

/** The position table: learned rows (wpe) or, for sinusoidal models, the fixed table the model adds. */
export function positionEmbeddingSet(model: TransformerModel, ref: RunRef): ModelVectorSet {
  const { contextLength: T, dModel: C, positions } = model.config;
  const vectors = positions === 'learned' ? Float32Array.from(model.params.view('wpe')) : sinusoidalTable(T, C);
  const position = Array.from({ length: T }, (_, t) => t);
  return {
    key: `run:${ref.runId}@${ref.checkpoint}#position`,
    title: `${model.config.family.toUpperCase()} ${ref.runName}, ${ref.checkpoint}: ${positions} position embeddings`,
    source: { kind: 'position-embedding', runId: ref.runId, checkpoint: ref.checkpoint },
    labels: position.map((t) => `pos ${t}`), dim: C, vectors, columns: { position },
  };
}

/** FNV-1a of the texts, as 8 hex digits: part of a contextual set's key. */
function textsHash(texts: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ 0x1f, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The hidden state at `layer` (0 = the embeddings as layer 0 reads them, l = the output of block l, up to nLayer)
 *  of every token of each text; special tokens ([CLS], [SEP]) are left out. Columns: sentence (its number and opening
 *  words, so the colour legend names the sentences rather than a 0…n ramp),
 *  position (token index in it), token (the tokenizer's token), text (the text), layer. Texts longer than the
 *  context keep their first context-sized window. */
export function contextualSet(model: TransformerModel, tokenizer: TextTokenizer, ref: RunRef, texts: readonly string[],
  layer: number): ModelVectorSet {
  const L = model.config.nLayer;
  if (!Number.isInteger(layer) || layer < 0 || layer > L) {
    throw new LabError('invalid_input',
      `Layer ${String(layer)} does not exist: this model has ${L} layers. Choose 0 (the embeddings) to ${L} (the last block's output).`,
      { field: 'layer' });
  }
  const kept = texts.map((t) => t.trim()).filter((t) => t !== '');
  if (kept.length === 0) {
    throw new LabError('invalid_input', 'There is no text to read contextual vectors from; type a sentence or choose held-out sentences.', { field: 'texts' });
  }
  const C = model.config.dModel;
  const rows: Float32Array[] = [];
  const labels: string[] = [];
  const sentence: string[] = [];
  const position: number[] = [];
  const token: string[] = [];
  const textCol: string[] = [];
  kept.forEach((text, s) => {
    const r = inferText(model, tokenizer, text, { window: 'truncate', topK: 1 });
    r.tokens.forEach((t, i) => {
      if (t.special) return;
      rows.push(r.hidden.subarray((layer * r.T + i) * C, (layer * r.T + i + 1) * C));
      const piece = text.slice(t.start, t.end);
      labels.push(piece.trim() === '' ? tokenLabel(tokenizer, t.id) : piece.trim());
      sentence.push(sentenceName(s, text));
      position.push(i);
      token.push(t.token);
      textCol.push(text);
    });
  });
  const vectors = new Float32Array(rows.length * C);
  rows.forEach((row, i) => vectors.set(row, i * C));
  return {
    key: `run:${ref.runId}@${ref.checkpoint}#contextual:L${layer}:${textsHash(kept)}`,
    title: `${model.config.family.toUpperCase()} ${ref.runName}, ${ref.checkpoint}: layer ${layer} of ${kept.length} text${kept.length === 1 ? '' : 's'}`,
    source: { kind: 'contextual', runId: ref.runId, checkpoint: ref.checkpoint, layer },
    labels, dim: C, vectors,
    columns: { sentence, position, token, text: textCol, layer: labels.map(() => layer) },
  };
}

/** Sentences of a text: split after . ! ? and a space, after 。！？ (Chinese writes no space) and at line breaks;
 *  trimmed, at least two characters. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|(?<=[。！？])|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length >= 2);
}

/** n sentences drawn without replacement by a seeded shuffle, in their original order (all when there are fewer). */
export function sampleSentences(sentences: readonly string[], n: number, seed: number): string[] {
  if (sentences.length <= n) return [...sentences];
  let state = seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const order = sentences.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, n).sort((a, b) => a - b).map((i) => sentences[i]);
}
