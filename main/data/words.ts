// Word-level pre-tokenizer for static embeddings (Word2Vec, FastText, GloVe): text -> sentences of words, for English
// and other space-separated scripts and for Chinese, whose Han characters are cut per character, into words by ICU's
// dictionary segmenter (Intl.Segmenter), or at the spaces of text that was segmented beforehand (e.g. by jieba).
import { LabError } from '../../common/errors';

/** How runs of Han characters become words: each character, ICU dictionary words, or the text's own spaces. */
export type ChineseSegmentation = 'char' | 'words' | 'spaces';
export const CHINESE_SEGMENTATIONS: readonly ChineseSegmentation[] = ['char', 'words', 'spaces'];

export interface WordTokenizerOptions {
  /** lower-case every word (Unicode rules); default true */
  lowercase: boolean;
  chinese: ChineseSegmentation;
}

export const DEFAULT_WORD_TOKENIZER: WordTokenizerOptions = { lowercase: true, chinese: 'char' };

/** Longest sentence handed to training; longer lines are cut into pieces of this many words (gensim's limit). */
export const MAX_SENTENCE_WORDS = 10000;

// A Han run, or a run of other letters, marks and digits, with apostrophes inside (don't, o'er, l'homme).
// Everything else (spaces, punctuation, symbols) separates words and is dropped.
const TOKEN = /(\p{sc=Han}+)|((?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+(?:['’](?:(?!\p{sc=Han})[\p{L}\p{M}\p{N}])+)*)/gu;

let segmenter: Intl.Segmenter | null = null;

function zhSegmenter(): Intl.Segmenter {
  if (segmenter === null) {
    if (typeof Intl.Segmenter !== 'function') {
      throw new LabError('unavailable', 'Chinese word segmentation needs Intl.Segmenter, which this runtime lacks; choose "char" (one word per character) or "spaces" (pre-segmented text).', { field: 'chinese' });
    }
    segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  }
  return segmenter;
}

/** The words of one line of text, in order. */
export function lineWords(line: string, opts: WordTokenizerOptions = DEFAULT_WORD_TOKENIZER): string[] {
  const out: string[] = [];
  const text = opts.lowercase ? line.toLowerCase() : line;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const han = m[1];
    if (han === undefined) {
      out.push(m[2]);
    } else if (opts.chinese === 'spaces') {
      out.push(han);
    } else if (opts.chinese === 'char') {
      for (const ch of han) out.push(ch);
    } else {
      for (const seg of zhSegmenter().segment(han)) if (seg.isWordLike !== false) out.push(seg.segment);
    }
  }
  return out;
}

/** Sentences of a text: one per non-empty line (cut every MAX_SENTENCE_WORDS words), as gensim's LineSentence. */
export function* textSentences(text: string, opts: WordTokenizerOptions = DEFAULT_WORD_TOKENIZER): Generator<string[]> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const words = lineWords(text.slice(start, end), opts);
    for (let i = 0; i < words.length; i += MAX_SENTENCE_WORDS) yield words.slice(i, i + MAX_SENTENCE_WORDS);
    start = end + 1;
  }
}

/** The options from loose input (API, CLI), with a sentence naming the bad field. */
export function wordTokenizerOptions(input: { lowercase?: unknown; chinese?: unknown } = {}): WordTokenizerOptions {
  const chinese = input.chinese ?? DEFAULT_WORD_TOKENIZER.chinese;
  if (!CHINESE_SEGMENTATIONS.includes(chinese as ChineseSegmentation)) {
    throw new LabError('invalid_input', `Chinese segmentation ${JSON.stringify(chinese)} is not one of ${CHINESE_SEGMENTATIONS.join(', ')} (char: one word per character; words: dictionary words; spaces: text already segmented with spaces).`, { field: 'chinese' });
  }
  const lowercase = input.lowercase ?? DEFAULT_WORD_TOKENIZER.lowercase;
  if (typeof lowercase !== 'boolean') {
    throw new LabError('invalid_input', `lowercase must be true or false, not ${JSON.stringify(lowercase)}.`, { field: 'lowercase' });
  }
  return { lowercase, chinese: chinese as ChineseSegmentation };
}
