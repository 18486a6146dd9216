// Token vocabularies of a seq2seq model's two sides: built from the training pairs (every character, or words between
// spaces), with [PAD] [UNK] [BOS] [EOS] at ids 0-3; encode/decode and a JSON form saved beside the weights. The
// SideTokenizer contract is what the models, decoding and metrics use, so a lab tokenizer can stand in for a side.
import { LabError } from '../../../common/errors';
import type { Tokenization } from '../../data/pairs/tasks';
import { pySplit } from './metrics/whitespace';

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
const SPECIALS = ['[PAD]', '[UNK]', '[BOS]', '[EOS]'];

/** One side's tokenizer as the seq2seq code sees it. */
export interface SideTokenizer {
  readonly vocabSize: number;
  readonly pad: number;
  readonly bos: number;
  readonly eos: number;
  /** ids of a text, without [BOS]/[EOS] */
  encode(text: string): number[];
  /** the text of ids, stopping at the first [EOS]; specials and padding are left out */
  decode(ids: ArrayLike<number>): string;
  /** the token of an id (for axis labels) */
  token(id: number): string;
}

export interface VocabJSON {
  kind: Tokenization;
  /** tokens from id 4 on (ids 0-3 are the specials) */
  tokens: string[];
}

export class PairVocab implements SideTokenizer {
  readonly pad = PAD;
  readonly bos = BOS;
  readonly eos = EOS;
  private readonly ids = new Map<string, number>();

  constructor(readonly kind: Tokenization, private readonly tokens: readonly string[]) {
    if (kind !== 'chars' && kind !== 'words') {
      throw new LabError('bad_file', `A vocabulary's kind is ${JSON.stringify(kind)}, but it must be "chars" or "words".`, { field: 'kind' });
    }
    tokens.forEach((t, i) => this.ids.set(t, i + SPECIALS.length));
  }

  /** Every token of the texts, in order of first appearance. */
  static build(texts: Iterable<string>, kind: Tokenization): PairVocab {
    const seen = new Set<string>();
    const tokens: string[] = [];
    for (const text of texts) {
      for (const t of split(text, kind)) {
        if (!seen.has(t)) {
          seen.add(t);
          tokens.push(t);
        }
      }
    }
    return new PairVocab(kind, tokens);
  }

  static fromJSON(json: VocabJSON): PairVocab {
    if (json === null || typeof json !== 'object' || !Array.isArray(json.tokens)) {
      throw new LabError('bad_file', 'A seq2seq vocabulary must be an object with "kind" and a "tokens" list.', { field: 'vocab' });
    }
    return new PairVocab(json.kind, json.tokens);
  }

  toJSON(): VocabJSON {
    return { kind: this.kind, tokens: [...this.tokens] };
  }

  get vocabSize(): number {
    return SPECIALS.length + this.tokens.length;
  }

  encode(text: string): number[] {
    return split(text, this.kind).map((t) => this.ids.get(t) ?? UNK);
  }

  decode(ids: ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS) break;
      if (id >= SPECIALS.length && id < this.vocabSize) out.push(this.tokens[id - SPECIALS.length]);
      else if (id === UNK) out.push(SPECIALS[UNK]);
    }
    return out.join(this.kind === 'chars' ? '' : ' ');
  }

  token(id: number): string {
    return id < SPECIALS.length ? SPECIALS[id] ?? '?' : this.tokens[id - SPECIALS.length] ?? '?';
  }
}

function split(text: string, kind: Tokenization): string[] {
  return kind === 'chars' ? Array.from(text) : pySplit(text);
}
