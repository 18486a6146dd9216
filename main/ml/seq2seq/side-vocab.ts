// A seq2seq side cut by one of the lab's tokenizers (char, byte-level BPE, WordPiece, or an imported tokenizer.json)
// instead of characters or words. The tokenizer segments the text; the model's vocabulary is the tokenizer's ids seen
// in the training pairs, renumbered after [PAD] [UNK] [BOS] [EOS] (ids 0-3, as PairVocab's), so an 8,000-token BPE
// applied to a small parallel corpus embeds only the few hundred pieces the corpus has. A piece the tokenizer itself
// cannot encode (its own [UNK]) and a piece not seen in training both read as [UNK] (1). Saved beside the weights with
// the tokenizer.json, so a checkpoint folder alone still tokenizes its inputs.
import { LabError } from '../../../common/errors';
import type { TokenizerKind } from '../../../common/tokenizers';
import { loadTokenizer, tokenText, type TextTokenizer } from '../../data/tokenizers/index';
import type { Tokenization } from '../../data/pairs/tasks';
import { BOS, EOS, PAD, PairVocab, UNK, type SideTokenizer, type VocabJSON } from './vocab';

const SPECIALS = 4;

/** A lab tokenizer as a side's cutting rule: its name (for sentences) and its tokenizer.json object. */
export interface LabTokenizerSide {
  tokenizer: { name: string; json: object };
}

/** How one side of the pairs is cut into tokens. */
export type SideTokens = Tokenization | LabTokenizerSide;

export interface LabVocabJSON {
  kind: 'tokenizer';
  name: string;
  /** the Hugging Face tokenizer.json object */
  tokenizer: object;
  /** tokenizer ids of the model's ids 4, 5, … in order */
  ids: number[];
}

export type SideVocabJSON = VocabJSON | LabVocabJSON;

/** The tokenizer's own [UNK] id, or null (a byte-level BPE encodes every text). */
export function tokenizerUnkId(tokenizer: TextTokenizer): number | null {
  try {
    return tokenizer.specialId('[UNK]');
  } catch {
    return null;
  }
}

export class LabSideVocab implements SideTokenizer {
  readonly pad = PAD;
  readonly bos = BOS;
  readonly eos = EOS;
  private readonly modelIds = new Map<number, number>();
  private readonly unkId: number | null;

  constructor(readonly name: string, readonly tokenizer: TextTokenizer, private readonly ids: readonly number[]) {
    this.unkId = tokenizerUnkId(tokenizer);
    ids.forEach((id, i) => this.modelIds.set(id, i + SPECIALS));
  }

  /** The tokenizer's pieces of the texts, in order of first appearance (its [UNK] left out: it is the model's [UNK]). */
  static build(texts: Iterable<string>, name: string, tokenizer: TextTokenizer): LabSideVocab {
    const unk = tokenizerUnkId(tokenizer);
    const seen = new Set<number>();
    const ids: number[] = [];
    for (const text of texts) {
      for (const id of tokenizer.encode(text).ids) {
        if (id !== unk && !seen.has(id)) {
          seen.add(id);
          ids.push(id);
        }
      }
    }
    return new LabSideVocab(name, tokenizer, ids);
  }

  static fromJSON(json: LabVocabJSON): LabSideVocab {
    if (!Array.isArray(json.ids) || json.tokenizer === null || typeof json.tokenizer !== 'object') {
      throw new LabError('bad_file', 'A seq2seq side cut by a lab tokenizer must have its "tokenizer" object and an "ids" list.', { field: 'vocab' });
    }
    return new LabSideVocab(String(json.name), loadTokenizer(json.tokenizer), json.ids);
  }

  toJSON(): LabVocabJSON {
    return { kind: 'tokenizer', name: this.name, tokenizer: this.tokenizer.toJSON(), ids: [...this.ids] };
  }

  get kind(): TokenizerKind {
    return this.tokenizer.kind;
  }

  get vocabSize(): number {
    return SPECIALS + this.ids.length;
  }

  encode(text: string): number[] {
    return Array.from(this.tokenizer.encode(text).ids, (id) => this.modelIds.get(id) ?? UNK);
  }

  /** The tokenizer's own decoding of the pieces (so byte-level BPE gives its text back, WordPiece joins "##" pieces). */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = [];
    let run: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === EOS) break;
      if (id >= SPECIALS && id < this.vocabSize) run.push(this.ids[id - SPECIALS]);
      else if (id === UNK) {
        if (this.unkId !== null) run.push(this.unkId);
        else {
          parts.push(this.tokenizer.decode(run), '[UNK]');
          run = [];
        }
      }
    }
    parts.push(this.tokenizer.decode(run));
    return parts.join('');
  }

  token(id: number): string {
    if (id < SPECIALS) return ['[PAD]', '[UNK]', '[BOS]', '[EOS]'][id] ?? '?';
    const tid = this.ids[id - SPECIALS];
    return tid === undefined ? '?' : tokenText(this.tokenizer, tid);
  }
}

/** A side's vocabulary: characters or words (PairVocab), or a lab tokenizer's pieces (LabSideVocab). */
export type SideVocab = PairVocab | LabSideVocab;

/** The vocabulary of one side from its training texts. */
export function buildSideVocab(texts: string[], side: SideTokens): SideVocab {
  if (typeof side === 'string') return PairVocab.build(texts, side);
  return LabSideVocab.build(texts, side.tokenizer.name, loadTokenizer(side.tokenizer.json));
}

export function sideVocabFromJSON(json: SideVocabJSON): SideVocab {
  if (json !== null && typeof json === 'object' && json.kind === 'tokenizer') return LabSideVocab.fromJSON(json);
  return PairVocab.fromJSON(json as VocabJSON);
}

/** How many of a side's pieces the tokenizer itself cannot encode, with the first few texts it gave up on. */
export interface UnknownCount {
  tokens: number;
  unknown: number;
  /** up to five distinct pieces of text that became [UNK] */
  examples: string[];
}

export function countUnknown(tokenizer: TextTokenizer, texts: Iterable<string>): UnknownCount {
  const unk = tokenizerUnkId(tokenizer);
  const out: UnknownCount = { tokens: 0, unknown: 0, examples: [] };
  for (const text of texts) {
    const { ids, offsets } = tokenizer.encode(text);
    out.tokens += ids.length;
    if (unk === null) continue;
    ids.forEach((id, i) => {
      if (id !== unk) return;
      out.unknown++;
      const piece = text.slice(offsets[i][0], offsets[i][1]);
      if (out.examples.length < 5 && !out.examples.includes(piece)) out.examples.push(piece);
    });
  }
  return out;
}
