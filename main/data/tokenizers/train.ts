// Trains char-level, byte-level BPE and WordPiece tokenizers to an exact vocab size and writes them as tokenizer.json.
import { BYTE_TO_CHAR } from '../../../common/byte-level';
import { checkVocabSize, SPECIAL_TOKENS, type TokenizerKind } from '../../../common/tokenizers';
import { learnMerges } from './merge-trainer';
import { TextNormalizer } from './normalize';
import { PipelineTokenizer } from './pipeline';
import { addedTokenPattern, bertPreTokenize, byteLevelPreTokenize, splitAddedTokens } from './pretokenize';
import type { TrainOptions, TrainResult } from './types';

const UNK = 1;

type Progress = TrainOptions['onProgress'];

const specialIds = new Map(SPECIAL_TOKENS.map((t, i) => [t, i] as [string, number]));
const specialPattern = addedTokenPattern(SPECIAL_TOKENS);

/** Normalized ordinary segments of every training text; special tokens met in the text are counted, not split. */
function forEachSegment(texts: () => Iterable<string>, normalizer: TextNormalizer, specialCounts: number[], progress: Progress, visit: (s: string) => void): void {
  let docs = 0;
  for (const text of texts()) {
    for (const seg of splitAddedTokens(text, specialPattern, specialIds)) {
      if (seg.addedId !== undefined) specialCounts[seg.addedId]++;
      else visit(normalizer.apply(seg.text));
    }
    if (++docs % 1000 === 0) progress?.('counting', docs, null);
  }
  progress?.('counting', docs, null);
}

function addedTokensJson(): object[] {
  return SPECIAL_TOKENS.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
}

function specialVocab(): Record<string, number> {
  return Object.fromEntries(SPECIAL_TOKENS.map((t, i) => [t, i]));
}

function bpeModelJson(vocab: Record<string, number>, merges: [string, string][]): object {
  return {
    type: 'BPE', dropout: null, unk_token: '[UNK]', continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab,
    // "a b" strings are read by every tokenizers release; byte-level tokens never contain a space (it is "Ġ")
    merges: merges.map(([a, b]) => `${a} ${b}`),
  };
}

function tokenizerJson(parts: { normalizer: object | null; pre_tokenizer: object | null; decoder: object; model: object }): object {
  return { version: '1.0', truncation: null, padding: null, added_tokens: addedTokensJson(), normalizer: parts.normalizer, pre_tokenizer: parts.pre_tokenizer, post_processor: null, decoder: parts.decoder, model: parts.model };
}

function trainChar(texts: () => Iterable<string>, opts: TrainOptions): TrainResult {
  const normalizerJson = opts.lowercase ? { type: 'Lowercase' } : null;
  const specialCounts = new Array<number>(SPECIAL_TOKENS.length).fill(0);
  const charCounts = new Map<string, number>();
  forEachSegment(texts, new TextNormalizer(normalizerJson), specialCounts, opts.onProgress, (s) => {
    for (const ch of s) charCounts.set(ch, (charCounts.get(ch) ?? 0) + 1);
  });
  // most frequent first; ties by code point so the result does not depend on document order
  const ranked = [...charCounts.entries()].sort((x, y) => y[1] - x[1] || x[0].codePointAt(0)! - y[0].codePointAt(0)!);
  const keep = ranked.slice(0, opts.vocabSize - SPECIAL_TOKENS.length);
  const vocab = specialVocab();
  keep.forEach(([ch], i) => (vocab[ch] = SPECIAL_TOKENS.length + i));
  const json = tokenizerJson({ normalizer: normalizerJson, pre_tokenizer: null, decoder: { type: 'Fuse' }, model: bpeModelJson(vocab, []) });
  const tokenizer = new PipelineTokenizer(json);
  const frequencies = [...specialCounts, ...keep.map(([, n]) => n)];
  for (const [, n] of ranked.slice(keep.length)) frequencies[UNK] += n;
  const size = SPECIAL_TOKENS.length + keep.length;
  const note = size < opts.vocabSize
    ? `The training text has only ${charCounts.size} distinct characters, so the vocabulary has ${size} tokens (${charCounts.size} + ${SPECIAL_TOKENS.length} special) instead of ${opts.vocabSize}.`
    : ranked.length > keep.length
      ? `${ranked.length - keep.length} rare characters of the training text did not fit in ${opts.vocabSize} tokens and will be read as [UNK].`
      : undefined;
  return { tokenizer, frequencies, note };
}

/** Distinct pre-tokenized words of the training text and their counts. */
function countWords(texts: () => Iterable<string>, normalizer: TextNormalizer, split: (s: string) => { text: string }[], specialCounts: number[], progress: Progress): Map<string, number> {
  const counts = new Map<string, number>();
  forEachSegment(texts, normalizer, specialCounts, progress, (s) => {
    for (const p of split(s)) counts.set(p.text, (counts.get(p.text) ?? 0) + 1);
  });
  return counts;
}

/** Frequencies per id from the trained tokenizer's own encoding of each distinct word. */
function frequenciesOf(tokenizer: PipelineTokenizer, wordCounts: Map<string, number>, specialCounts: number[], progress: Progress): number[] {
  const freq = new Array<number>(tokenizer.vocabSize).fill(0);
  specialCounts.forEach((n, i) => (freq[i] += n));
  let done = 0;
  for (const [word, n] of wordCounts) {
    for (const id of tokenizer.encodePiece(word).ids) freq[id] += n;
    if (++done % 20000 === 0) progress?.('frequencies', done, wordCounts.size);
  }
  return freq;
}

function shortfallNote(size: number, requested: number): string | undefined {
  return size < requested
    ? `The training text ran out of pairs to merge at ${size} tokens (every word is already one token; Chinese characters always are), so the vocabulary is smaller than the ${requested} asked for: train on more text for a larger one.`
    : undefined;
}

function trainBpe(texts: () => Iterable<string>, opts: TrainOptions): TrainResult {
  const normalizerJson = opts.lowercase ? { type: 'Lowercase' } : null;
  const specialCounts = new Array<number>(SPECIAL_TOKENS.length).fill(0);
  const wordCounts = countWords(texts, new TextNormalizer(normalizerJson), byteLevelPreTokenize, specialCounts, opts.onProgress);
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [word, n] of wordCounts) {
    words.push(Array.from(encoder.encode(word), (b) => SPECIAL_TOKENS.length + b));
    counts.push(n);
  }
  const { symbols, merges } = learnMerges({
    words, counts, symbols: [...SPECIAL_TOKENS, ...BYTE_TO_CHAR], targetSize: opts.vocabSize,
    join: (a, b) => a + b, onProgress: (d, t) => opts.onProgress?.('merging', d, t),
  });
  const vocab = Object.fromEntries(symbols.map((s, i) => [s, i]));
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = tokenizerJson({ normalizer: normalizerJson, pre_tokenizer: byteLevel, decoder: byteLevel, model: bpeModelJson(vocab, merges) });
  const tokenizer = new PipelineTokenizer(json);
  return { tokenizer, frequencies: frequenciesOf(tokenizer, wordCounts, specialCounts, opts.onProgress), note: shortfallNote(symbols.length, opts.vocabSize) };
}

const PREFIX = '##';

function trainWordPiece(texts: () => Iterable<string>, opts: TrainOptions): TrainResult {
  const normalizerJson = { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: opts.lowercase === true };
  const specialCounts = new Array<number>(SPECIAL_TOKENS.length).fill(0);
  const wordCounts = countWords(texts, new TextNormalizer(normalizerJson), bertPreTokenize, specialCounts, opts.onProgress);
  // alphabet: a word's first character as itself, later ones as "##c"
  const alphabet = new Map<string, number>();
  const spelled: string[][] = [];
  const counts: number[] = [];
  for (const [word, n] of wordCounts) {
    const chars = Array.from(word, (ch, i) => (i === 0 ? ch : PREFIX + ch));
    for (const s of chars) alphabet.set(s, (alphabet.get(s) ?? 0) + n);
    spelled.push(chars);
    counts.push(n);
  }
  const room = opts.vocabSize - SPECIAL_TOKENS.length;
  const ranked = [...alphabet.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let note: string | undefined;
  let symbols: string[];
  if (ranked.length >= room) {
    // the alphabet alone fills the vocabulary (e.g. Chinese text with a small size): keep the commonest symbols
    symbols = [...SPECIAL_TOKENS, ...ranked.slice(0, room).map(([s]) => s)];
    if (ranked.length > room) {
      note = `The training text has ${ranked.length} distinct characters (counting "##" continuations), more than fit in ${opts.vocabSize} tokens: the ${ranked.length - room} rarest are read as [UNK] and no subwords were learned.`;
    }
  } else {
    const base = [...SPECIAL_TOKENS, ...ranked.map(([s]) => s)];
    const idOf = new Map(base.map((s, i) => [s, i] as [string, number]));
    // WordPiece keeps only the learned vocabulary: its format has no merge list
    symbols = learnMerges({
      words: spelled.map((chars) => chars.map((s) => idOf.get(s)!)), counts, symbols: base, targetSize: opts.vocabSize,
      join: (a, b) => a + b.slice(PREFIX.length), onProgress: (d, t) => opts.onProgress?.('merging', d, t),
    }).symbols;
    note = shortfallNote(symbols.length, opts.vocabSize);
  }
  const vocab = Object.fromEntries(symbols.map((s, i) => [s, i]));
  const model = { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: PREFIX, max_input_chars_per_word: 100, vocab };
  const json = tokenizerJson({ normalizer: normalizerJson, pre_tokenizer: { type: 'BertPreTokenizer' }, decoder: { type: 'WordPiece', prefix: PREFIX, cleanup: true }, model });
  const tokenizer = new PipelineTokenizer(json);
  return { tokenizer, frequencies: frequenciesOf(tokenizer, wordCounts, specialCounts, opts.onProgress), note };
}

export function trainTokenizer(kind: TokenizerKind, texts: () => Iterable<string>, opts: TrainOptions): TrainResult {
  checkVocabSize(kind, opts.vocabSize);
  if (kind === 'char') return trainChar(texts, opts);
  if (kind === 'bpe') return trainBpe(texts, opts);
  return trainWordPiece(texts, opts);
}
