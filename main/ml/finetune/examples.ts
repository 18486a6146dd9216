// Labelled texts as model inputs: BERT's [CLS] a [SEP] (b [SEP]) with segment ids, GPT's a ([SEP] b) [EOS] with the
// extract token last (Radford et al. 2018's delimiter convention), truncation to the context, [UNK] counts, and
// right-padded batches.
import type { Batch } from '../model';
import { LabError } from '../../../common/errors';

/** One example ready for a model: token ids, segment ids (BERT pairs; null = all 0) and its class. */
export interface EncodedExample {
  tokens: Int32Array;
  segments: Int32Array | null;
  label: number;
}

/** What encoding needs of a tokenizer: ids of a text, and the special ids by role. */
export interface ExampleTokenizer {
  encode(text: string): { ids: Int32Array };
  specialId(token: '[PAD]' | '[UNK]' | '[CLS]' | '[SEP]' | '[EOS]'): number;
}

export interface EncodeStats {
  /** [UNK] ids produced by the texts (not counting the specials we add) */
  unknown: number;
  /** tokens produced by the texts */
  tokens: number;
  /** examples cut to fit the context */
  truncated: number;
}

/** Ids of a special token, or a sentence naming what the tokenizer lacks. */
function special(tok: ExampleTokenizer, name: '[PAD]' | '[UNK]' | '[CLS]' | '[SEP]' | '[EOS]', why: string): number {
  try {
    return tok.specialId(name);
  } catch {
    throw new LabError('invalid_input', `The tokenizer has no ${name} token, which ${why}; use a tokenizer trained by the lab (it reserves [PAD], [UNK], [CLS], [SEP], [MASK], [BOS], [EOS]).`, { field: 'tokenizer' });
  }
}

/** Shortens a and b (longest first) until their lengths sum to at most `room`, as BERT's pair truncation does. */
function truncatePair(a: Int32Array, b: Int32Array | null, room: number): [Int32Array, Int32Array | null, boolean] {
  let la = a.length;
  let lb = b?.length ?? 0;
  const cut = la + lb > room;
  while (la + lb > room) {
    if (b !== null && lb > la) lb--;
    else la--;
  }
  return [a.subarray(0, la), b === null ? null : b.subarray(0, lb), cut];
}

/**
 * Encodes texts (with an optional second text per example) for a family. contextLength bounds every sequence;
 * texts are cut at the end (pairs: the longer one first). Labels are class indices.
 */
export function encodeExamples(family: 'gpt' | 'bert', tok: ExampleTokenizer, texts: readonly string[],
  textsB: readonly (string | null)[] | null, labels: readonly number[], contextLength: number, typeVocabSize = 0): { examples: EncodedExample[]; stats: EncodeStats } {
  const unk = (() => { try { return tok.specialId('[UNK]'); } catch { return -1; } })();
  const stats: EncodeStats = { unknown: 0, tokens: 0, truncated: 0 };
  const examples: EncodedExample[] = [];
  const pair = textsB !== null && textsB.some((t) => t !== null);
  const cls = family === 'bert' ? special(tok, '[CLS]', 'BERT reads as the summary of a sequence') : -1;
  const sep = family === 'bert' || pair ? special(tok, '[SEP]', family === 'bert' ? 'BERT puts after each sentence' : 'GPT puts between the two texts of a pair') : -1;
  const eos = family === 'gpt' ? special(tok, '[EOS]', 'GPT reads as the extract token after the text') : -1;
  for (let i = 0; i < texts.length; i++) {
    const a = tok.encode(texts[i]).ids;
    const bText = textsB?.[i] ?? null;
    const b = bText === null ? null : tok.encode(bText).ids;
    for (const ids of b === null ? [a] : [a, b]) {
      stats.tokens += ids.length;
      for (let j = 0; j < ids.length; j++) if (ids[j] === unk) stats.unknown++;
    }
    // specials added: BERT [CLS] + [SEP] (+ [SEP]); GPT [EOS] (+ [SEP] between)
    const added = family === 'bert' ? (b === null ? 2 : 3) : (b === null ? 1 : 2);
    const room = contextLength - added;
    if (room < (b === null ? 1 : 2)) throw new LabError('invalid_input', `A context of ${contextLength} tokens leaves no room for the text after the special tokens; use a model with a longer context.`, { field: 'contextLength' });
    const [ta, tb, cut] = truncatePair(a, b, room);
    if (cut) stats.truncated++;
    const seq: number[] = [];
    const seg: number[] = [];
    const push = (ids: ArrayLike<number>, s: number): void => {
      for (let j = 0; j < ids.length; j++) { seq.push(ids[j]); seg.push(s); }
    };
    if (family === 'bert') {
      push([cls], 0); push(ta, 0); push([sep], 0);
      if (tb !== null) { push(tb, 1); push([sep], 1); }
    } else {
      push(ta, 0);
      if (tb !== null) { push([sep], 0); push(tb, 0); }
      push([eos], 0);
    }
    const segments = family === 'bert' && typeVocabSize > 1 && tb !== null ? Int32Array.from(seg) : null;
    examples.push({ tokens: Int32Array.from(seq), segments, label: labels[i] });
  }
  return { examples, stats };
}

/** A batch of the given examples, right-padded with padId to the longest one; keyMask marks the real tokens. */
export function collate(examples: readonly EncodedExample[], padId: number, withSegments: boolean): { batch: Batch; labels: Int32Array } {
  const B = examples.length;
  let T = 1;
  for (const e of examples) T = Math.max(T, e.tokens.length);
  const tokens = new Int32Array(B * T).fill(padId);
  const keyMask = new Uint8Array(B * T);
  const segments = withSegments ? new Int32Array(B * T) : null;
  const labels = new Int32Array(B);
  examples.forEach((e, b) => {
    tokens.set(e.tokens, b * T);
    keyMask.fill(1, b * T, b * T + e.tokens.length);
    if (segments !== null && e.segments !== null) segments.set(e.segments, b * T);
    labels[b] = e.label;
  });
  return { batch: { B, T, tokens, targets: null, keyMask, segments }, labels };
}
