// Pre-tokenizers: cutting out added (special) tokens, BERT's whitespace/punctuation split, GPT-2's byte-level split.
import { BYTE_LEVEL_SPLIT } from './byte-level';

/** A piece of text with its [start, end) code units in the string it was cut from. */
export interface Piece {
  text: string;
  start: number;
  end: number;
}

/** A run of ordinary text, or one occurrence of an added token (matched on the raw input, as Hugging Face does for normalized:false tokens). */
export type Segment = Piece & { addedId?: number };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Leftmost-longest matcher for added tokens; null when there are none. */
export function addedTokenPattern(tokens: readonly string[]): RegExp | null {
  if (tokens.length === 0) return null;
  const sorted = [...tokens].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'gu');
}

export function splitAddedTokens(text: string, pattern: RegExp | null, ids: ReadonlyMap<string, number>): Segment[] {
  if (pattern === null) return text.length ? [{ text, start: 0, end: text.length }] : [];
  const out: Segment[] = [];
  let last = 0;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), start: last, end: m.index });
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, addedId: ids.get(m[0]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), start: last, end: text.length });
  return out;
}

const WHITESPACE = /\p{White_Space}/u;
const UNICODE_PUNCT = /\p{P}/u;

/** BERT's punctuation: all ASCII punctuation (including $+<=>^`|~) and Unicode P* categories. */
export function isBertPunctuation(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) return true;
  return UNICODE_PUNCT.test(ch);
}

/** BERT pre-tokenizer: drop whitespace, isolate each punctuation character, keep the rest as words. */
export function bertPreTokenize(text: string): Piece[] {
  const out: Piece[] = [];
  let wordStart = -1;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const ch = units === 1 ? text[i] : text.slice(i, i + 2);
    const space = WHITESPACE.test(ch);
    const punct = !space && isBertPunctuation(ch);
    if (space || punct) {
      if (wordStart >= 0) out.push({ text: text.slice(wordStart, i), start: wordStart, end: i });
      wordStart = -1;
      if (punct) out.push({ text: ch, start: i, end: i + units });
    } else if (wordStart < 0) {
      wordStart = i;
    }
    i += units;
  }
  if (wordStart >= 0) out.push({ text: text.slice(wordStart), start: wordStart, end: text.length });
  return out;
}

/** GPT-2 split (the regex covers every character, so the pieces tile the text). */
export function byteLevelPreTokenize(text: string): Piece[] {
  const out: Piece[] = [];
  for (const m of text.matchAll(BYTE_LEVEL_SPLIT)) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}
