// PipelineTokenizer: runs a Hugging Face tokenizer.json (added tokens -> normalizer -> pre-tokenizer -> model) in TS.
import { LabError } from '../../../common/errors';
import { bytesToMappedString, bytesWithUnits, mappedStringToBytes } from './byte-level';
import { BpeModel, WordPieceModel, type WordModel, type WordTokens } from './models';
import { TextNormalizer, normalizerLowercases, type AlignedText } from './normalize';
import { addedTokenPattern, bertPreTokenize, byteLevelPreTokenize, splitAddedTokens, type Piece } from './pretokenize';
import { SPECIAL_TOKENS, type SpecialToken, type TokenizerKind } from '../../../common/tokenizers';
import type { Encoded, TextTokenizer } from './types';

/** The parts of tokenizer.json we read; everything else is kept verbatim for toJSON(). */
interface HfJson {
  added_tokens?: { id: number; content: string; special?: boolean }[];
  normalizer?: unknown;
  pre_tokenizer?: { type?: string; add_prefix_space?: boolean; use_regex?: boolean } | null;
  decoder?: unknown;
  model?: {
    type?: string;
    vocab?: Record<string, number> | unknown;
    merges?: unknown[];
    unk_token?: string | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    max_input_chars_per_word?: number;
    byte_fallback?: boolean;
    dropout?: number | null;
  };
}

/** Roles our models need, found under other names in tokenizers trained elsewhere (GPT-2, RoBERTa, T5...). */
const SPECIAL_ALIASES: Record<SpecialToken, string[]> = {
  '[PAD]': ['<pad>', '<|pad|>'],
  '[UNK]': ['<unk>', '<|unk|>'],
  '[CLS]': ['<s>', '<cls>', '<|endoftext|>'],
  '[SEP]': ['</s>', '<sep>', '<|endoftext|>'],
  '[MASK]': ['<mask>', '<|mask|>'],
  '[BOS]': ['<s>', '<bos>', '<|startoftext|>', '<|endoftext|>'],
  '[EOS]': ['</s>', '<eos>', '<|endoftext|>'],
};

const UTF8 = new TextEncoder();
const UTF8_DECODER = new TextDecoder('utf-8'); // not fatal: broken byte sequences decode to U+FFFD
const WORD_CACHE_LIMIT = 100_000;
const CACHEABLE_WORD_LENGTH = 256;

function unsupported(what: string, value: unknown, field: string): LabError {
  return new LabError(
    'bad_file',
    `This tokenizer.json uses ${what} "${String(value)}", which Attention Lab cannot load: it loads byte-level BPE (GPT-2 style), WordPiece (BERT style) and character-level tokenizers.`,
    { field },
  );
}

function parseMerges(raw: unknown[]): [string, string][] {
  return raw.map((m, i) => {
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]];
    if (typeof m === 'string') {
      const space = m.indexOf(' ');
      if (space > 0 && m.indexOf(' ', space + 1) < 0) return [m.slice(0, space), m.slice(space + 1)];
    }
    throw new LabError('bad_file', `Merge ${i + 1} of this tokenizer.json, ${JSON.stringify(m)}, is not a pair of tokens ("a b" or ["a", "b"]).`, { field: 'model.merges' });
  });
}

/** The model's vocabulary merged with the added tokens (an added token's id wins for its text). */
function readVocab(j: HfJson): { vocab: Map<string, number>; added: Map<string, number> } {
  const model = j.model;
  if (!model || typeof model !== 'object' || typeof model.vocab !== 'object' || model.vocab === null || Array.isArray(model.vocab)) {
    if (model && typeof model === 'object' && model.type && model.type !== 'BPE' && model.type !== 'WordPiece') {
      throw unsupported('the model type', model.type, 'model.type');
    }
    throw new LabError('bad_file', 'This file is not a Hugging Face tokenizer.json: it has no "model" with a "vocab" object.', { field: 'model' });
  }
  const vocab = new Map<string, number>();
  const added = new Map<string, number>();
  const checkId = (token: unknown, id: unknown, field: string): void => {
    if (typeof token !== 'string' || !Number.isInteger(id) || (id as number) < 0) {
      throw new LabError('bad_file', `Token ${JSON.stringify(token)} in this tokenizer.json has the id ${JSON.stringify(id)}; tokens must be text and ids whole numbers from 0.`, { field });
    }
  };
  for (const [token, id] of Object.entries(model.vocab as Record<string, unknown>)) {
    checkId(token, id, 'model.vocab');
    vocab.set(token, id as number);
  }
  for (const t of j.added_tokens ?? []) {
    checkId(t?.content, t?.id, 'added_tokens');
    vocab.set(t.content, t.id);
    added.set(t.content, t.id);
  }
  return { vocab, added };
}

/** Which of our three kinds the file's model and pre-tokenizer make, and the word model that runs it. */
function chooseModel(j: HfJson, vocab: Map<string, number>): { kind: TokenizerKind; model: WordModel; addPrefixSpace: boolean } {
  const model = j.model!;
  const unkId = model.unk_token ? (vocab.get(model.unk_token) ?? null) : null;
  const pre = j.pre_tokenizer ?? null;
  const preType = pre?.type ?? null;
  if (model.type === 'WordPiece') {
    if (preType !== 'BertPreTokenizer') throw unsupported('a WordPiece model with the pre-tokenizer', preType ?? 'none', 'pre_tokenizer');
    const wordPiece = new WordPieceModel(vocab, unkId, model.continuing_subword_prefix ?? '##', model.max_input_chars_per_word ?? 100);
    return { kind: 'wordpiece', model: wordPiece, addPrefixSpace: false };
  }
  if (model.type !== 'BPE') throw unsupported('the model type', model.type, 'model.type');
  const option = (['continuing_subword_prefix', 'end_of_word_suffix', 'byte_fallback', 'dropout'] as const).find((k) => model[k]);
  if (option) throw unsupported('the BPE option', option, `model.${option}`);
  const merges = parseMerges(Array.isArray(model.merges) ? model.merges : []);
  let kind: TokenizerKind;
  if (preType === 'ByteLevel') {
    if (pre?.use_regex === false) throw unsupported('a ByteLevel pre-tokenizer without its regex, use_regex', false, 'pre_tokenizer.use_regex');
    kind = 'bpe';
  } else if (preType === null && merges.length === 0) {
    kind = 'char'; // BPE without merges or pre-tokenizer: every character is looked up on its own
  } else {
    throw unsupported('a BPE model with the pre-tokenizer', preType ?? 'none, but merges,', 'pre_tokenizer');
  }
  try {
    return { kind, model: new BpeModel(vocab, merges, unkId), addPrefixSpace: kind === 'bpe' && pre?.add_prefix_space === true };
  } catch (e) {
    throw new LabError('bad_file', `This tokenizer.json is inconsistent: ${(e as Error).message}`, { field: 'model.merges' });
  }
}

export class PipelineTokenizer implements TextTokenizer {
  readonly kind: TokenizerKind;
  readonly vocabSize: number;
  readonly lowercase: boolean;
  private readonly json: HfJson;
  private readonly normalizer: TextNormalizer;
  private readonly model: WordModel;
  private readonly idToTokenTable: (string | undefined)[];
  private readonly tokenIds: Map<string, number>;
  private readonly addedIds: Map<string, number>;
  private readonly addedPattern: RegExp | null;
  private readonly addPrefixSpace: boolean;
  private readonly cache = new Map<string, WordTokens>();

  /** Takes a parsed tokenizer.json; throws LabError('bad_file') naming what is missing or unsupported. */
  constructor(json: object) {
    this.json = json as HfJson;
    const { vocab, added } = readVocab(this.json);
    this.tokenIds = vocab;
    this.addedIds = added;
    this.addedPattern = addedTokenPattern([...added.keys()]);
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.idToTokenTable = new Array<string | undefined>(this.vocabSize);
    for (const [token, id] of vocab) if (this.idToTokenTable[id] === undefined || added.get(token) === id) this.idToTokenTable[id] = token;
    ({ kind: this.kind, model: this.model, addPrefixSpace: this.addPrefixSpace } = chooseModel(this.json, vocab));
    this.normalizer = new TextNormalizer(this.json.normalizer);
    this.lowercase = normalizerLowercases(this.json.normalizer);
  }

  /** Pieces of one ordinary segment, with offsets in the normalized text. */
  private preTokenize(norm: string): Piece[] {
    if (this.kind === 'bpe') return byteLevelPreTokenize(norm);
    if (this.kind === 'wordpiece') return bertPreTokenize(norm);
    return norm.length ? [{ text: norm, start: 0, end: norm.length }] : [];
  }

  /**
   * Model tokens of one pre-tokenized piece (normalized text); for byte-level BPE the ends count UTF-8 bytes.
   * Training uses it to count token frequencies once per distinct word.
   */
  encodePiece(piece: string): WordTokens {
    const cacheable = piece.length <= CACHEABLE_WORD_LENGTH;
    const hit = cacheable ? this.cache.get(piece) : undefined;
    if (hit) return hit;
    const word = this.kind === 'bpe' ? bytesToMappedString(UTF8.encode(piece)) : piece;
    const out = this.model.encodeWord(word);
    if (cacheable) {
      if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
      this.cache.set(piece, out);
    }
    return out;
  }

  /** Ids only, for counting over large texts without building offsets. */
  encodeIds(text: string, sink: (id: number) => void): void {
    for (const seg of splitAddedTokens(text, this.addedPattern, this.addedIds)) {
      if (seg.addedId !== undefined) {
        sink(seg.addedId);
        continue;
      }
      let norm = this.normalizer.apply(seg.text);
      if (this.addPrefixSpace && norm.length > 0 && !/^\p{White_Space}/u.test(norm)) norm = ' ' + norm;
      for (const piece of this.preTokenize(norm)) for (const id of this.encodePiece(piece.text).ids) sink(id);
    }
  }

  encode(text: string): Encoded {
    const ids: number[] = [];
    const tokens: string[] = [];
    const offsets: [number, number][] = [];
    for (const seg of splitAddedTokens(text, this.addedPattern, this.addedIds)) {
      if (seg.addedId !== undefined) {
        ids.push(seg.addedId);
        tokens.push(seg.text);
        offsets.push([seg.start, seg.end]);
        continue;
      }
      const aligned = this.withPrefixSpace(this.normalizer.normalize(seg.text));
      for (const piece of this.preTokenize(aligned.text)) {
        const word = this.encodePiece(piece.text);
        const units = this.kind === 'bpe' ? bytesWithUnits(piece.text) : null;
        let prevEnd = 0;
        for (let k = 0; k < word.ids.length; k++) {
          const end = word.ends[k];
          // normalized [a, b) of this token: bytes map back to whole characters of the piece
          const a = piece.start + (units ? units.unitStart[prevEnd] : prevEnd);
          const b = piece.start + (units ? units.unitEnd[end - 1] : end);
          prevEnd = end;
          ids.push(word.ids[k]);
          tokens.push(this.idToTokenTable[word.ids[k]] ?? '');
          offsets.push([seg.start + aligned.starts[a], seg.start + aligned.ends[b - 1]]);
        }
      }
    }
    return { ids: Int32Array.from(ids), tokens, offsets };
  }

  /** ByteLevel add_prefix_space: a leading space that maps to the start of the segment. */
  private withPrefixSpace(aligned: AlignedText): AlignedText {
    if (!this.addPrefixSpace || aligned.text.length === 0 || /^\p{White_Space}/u.test(aligned.text)) return aligned;
    const starts = new Int32Array(aligned.starts.length + 1);
    const ends = new Int32Array(aligned.ends.length + 1);
    starts.set(aligned.starts, 1);
    ends.set(aligned.ends, 1);
    ends[0] = aligned.starts[0];
    return { text: ' ' + aligned.text, starts, ends };
  }

  decode(ids: ArrayLike<number>): string {
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.idToTokenTable[ids[i]];
      if (t !== undefined) tokens.push(t);
    }
    if (this.kind === 'char') return tokens.join('');
    if (this.kind === 'bpe') {
      const bytes: number[] = [];
      for (const t of tokens) {
        if (this.addedIds.has(t)) for (const b of UTF8.encode(t)) bytes.push(b);
        else mappedStringToBytes(t, bytes);
      }
      return UTF8_DECODER.decode(Uint8Array.from(bytes));
    }
    return this.decodeWordPiece(tokens);
  }

  /** Hugging Face's WordPiece decoder with cleanup: join with spaces, glue "##" pieces, tidy spaces before punctuation. */
  private decodeWordPiece(tokens: string[]): string {
    const prefix = (this.json.model?.continuing_subword_prefix ?? '##') || '##';
    return tokens
      .map((t, i) => {
        let s = i === 0 ? t : t.startsWith(prefix) ? t.slice(prefix.length) : ' ' + t;
        for (const [from, to] of WORDPIECE_CLEANUP) s = s.split(from).join(to);
        return s;
      })
      .join('');
  }

  idToToken(id: number): string | undefined {
    return this.idToTokenTable[id];
  }

  tokenToId(token: string): number | undefined {
    return this.tokenIds.get(token);
  }

  specialId(token: SpecialToken): number {
    const direct = this.tokenIds.get(token);
    if (direct !== undefined) return direct;
    for (const alias of SPECIAL_ALIASES[token]) {
      const id = this.tokenIds.get(alias);
      if (id !== undefined) return id;
    }
    throw new LabError('not_found', `This tokenizer has no ${token} token (nor ${SPECIAL_ALIASES[token].join(', ')}): retrain it in Attention Lab, which reserves ${SPECIAL_TOKENS.join(' ')}.`);
  }

  toJSON(): object {
    return this.json;
  }
}

const WORDPIECE_CLEANUP: [string, string][] = [
  [' .', '.'], [' ?', '?'], [' !', '!'], [' ,', ','], [" ' ", "'"], [" n't", "n't"],
  [" 'm", "'m"], [' do not', " don't"], [" 's", "'s"], [" 've", "'ve"], [" 're", "'re"],
];
