// Batches drawn from token-id documents by a seeded RNG: GPT windows with next-token targets, BERT masked windows.
import type { ModelConfig } from '../../common/model-config';
import { maskTokens } from './masking';
import type { Batch } from './model';
import type { Rng } from './rng';
import { LabError } from '../../common/errors';

/** Special token ids the batches need (from the tokenizer). */
export interface SpecialIds {
  /** GPT: placed between documents when they are joined into one stream */
  eos?: number;
  /** BERT: required */
  mask?: number;
  /** BERT: put first in every sequence when given */
  cls?: number;
  /** BERT: fills sequences shorter than the context (with key mask 0); needed when a document is shorter */
  pad?: number;
  /** never masked nor drawn as a random replacement (in addition to mask/cls/pad/eos) */
  others?: number[];
}

/** Draws batches of one split. */
export interface BatchSource {
  /** number of tokens in the split */
  readonly tokens: number;
  next(rng: Rng, B: number): Batch;
}

/** GPT: documents joined (with eos between when given) into one stream; each row is a random window of T+1 tokens. */
export function gptBatches(docs: Int32Array[], T: number, specials: SpecialIds, split: string): BatchSource {
  const total = docs.reduce((n, d) => n + d.length, 0) + (specials.eos !== undefined ? docs.length : 0);
  if (total < T + 1) {
    throw new LabError('invalid_input', `The ${split} split has ${total} tokens, fewer than context length + 1 = ${T + 1}; use a shorter context or more text.`, { field: split });
  }
  const stream = new Int32Array(total);
  let at = 0;
  for (const d of docs) {
    stream.set(d, at);
    at += d.length;
    if (specials.eos !== undefined) stream[at++] = specials.eos;
  }
  return {
    tokens: total,
    next(rng, B) {
      const tokens = new Int32Array(B * T);
      const targets = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        const start = rng.int(total - T);
        tokens.set(stream.subarray(start, start + T), b * T);
        targets.set(stream.subarray(start + 1, start + T + 1), b * T);
      }
      return { B, T, tokens, targets };
    },
  };
}

/** BERT: each row is [CLS]? + a window of one document (chosen in proportion to its length), padded to T,
 *  then masked (15%: 80% [MASK], 10% random, 10% kept). */
export function bertBatches(docs: Int32Array[], T: number, config: ModelConfig, specials: SpecialIds,
  maskProbability: number, split: string): BatchSource {
  if (specials.mask === undefined) {
    throw new LabError('invalid_input', 'BERT training needs a [MASK] token id, but the tokenizer has none; choose a tokenizer with [MASK].', { field: 'mask' });
  }
  const nonEmpty = docs.filter((d) => d.length > 0);
  const total = nonEmpty.reduce((n, d) => n + d.length, 0);
  if (total === 0) throw new LabError('invalid_input', `The ${split} split has no tokens; import more text or change the split.`, { field: split });
  const W = specials.cls !== undefined ? T - 1 : T;
  if (specials.pad === undefined && nonEmpty.some((d) => d.length < W)) {
    throw new LabError('invalid_input', `A ${split} document is shorter than the ${W}-token window and the tokenizer has no [PAD] token; use a shorter context or a tokenizer with [PAD].`, { field: split });
  }
  const cumulative = new Float64Array(nonEmpty.length);
  let acc = 0;
  nonEmpty.forEach((d, i) => { acc += d.length; cumulative[i] = acc; });
  const specialIds = [specials.cls, specials.pad, specials.eos, ...(specials.others ?? [])].filter((x): x is number => x !== undefined);
  const maskId = specials.mask;

  return {
    tokens: total,
    next(rng, B) {
      const tokens = new Int32Array(B * T);
      const keyMask = new Uint8Array(B * T);
      for (let b = 0; b < B; b++) {
        const doc = nonEmpty[pickDocument(cumulative, rng.int(total))];
        const start = doc.length > W ? rng.int(doc.length - W + 1) : 0;
        const piece = doc.subarray(start, start + W);
        let at = b * T;
        if (specials.cls !== undefined) tokens[at++] = specials.cls;
        tokens.set(piece, at);
        const end = at + piece.length;
        keyMask.fill(1, b * T, end);
        if (end < (b + 1) * T) tokens.fill(specials.pad as number, end, (b + 1) * T);
      }
      const masked = maskTokens(tokens, rng, { maskId, vocabSize: config.vocabSize, specialIds, probability: maskProbability }, keyMask);
      return { B, T, tokens: masked.inputs, targets: masked.targets, keyMask, segments: null };
    },
  };
}

/** Index of the document holding global token position `pos` (binary search over cumulative lengths). */
function pickDocument(cumulative: Float64Array, pos: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > pos) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
