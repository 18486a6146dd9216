// The held-out text a comparison measures on, tokenized: token ids per document, the words they spell (token
// ranges, from the tokenizer's character offsets), and seeded samples of them. The texts come from the store via
// lab/experiments/measure-input.ts.
import type { TextTokenizer } from '../../data/tokenizers/index';
import { SPECIAL_TOKENS } from '../../../common/tokenizers';
import { Rng } from '../../ml/rng';

/** A word longer than this many tokens is left out of whole-word blanks (a char tokenizer spells words out). */
const MAX_WORD_TOKENS = 8;

export interface HeldOutDoc {
  ids: Int32Array;
  /** [first token, token count] of each word whose tokens cover exactly its letters */
  words: Array<[number, number]>;
}

export interface HeldOut {
  split: 'test' | 'validation';
  docs: HeldOutDoc[];
  tokens: number;
}

/** A place in the held-out text: document, first token, token count. */
export interface Site {
  doc: number;
  at: number;
  span: number;
}

/** Token ranges of the words of `text` (runs of letters and digits) that token boundaries cut out exactly. */
export function wordSpans(text: string, offsets: [number, number][]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let t = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const start = m.index;
    const end = start + m[0].length;
    while (t < offsets.length && offsets[t][1] <= start) t++;
    if (t >= offsets.length) break;
    // the first token may carry the space before the word (byte-level BPE); anything else before it disqualifies
    const [s0] = offsets[t];
    if (s0 > start || text.slice(s0, start).trim() !== '') continue;
    let u = t;
    while (u < offsets.length && offsets[u][1] < end) u++;
    if (u < offsets.length && offsets[u][1] === end && u - t + 1 <= MAX_WORD_TOKENS) spans.push([t, u - t + 1]);
  }
  return spans;
}

/** The held-out texts as plain data (a worker process tokenizes and measures them). */
export interface HeldOutTexts {
  split: 'test' | 'validation';
  texts: string[];
}

/** Token ids and word spans of every held-out text. */
export function tokenizeHeldOut({ split, texts }: HeldOutTexts, tokenizer: TextTokenizer): HeldOut {
  const docs = texts.map((text) => {
    const enc = tokenizer.encode(text);
    return { ids: enc.ids, words: wordSpans(text, enc.offsets) };
  });
  return { split, docs, tokens: docs.reduce((n, d) => n + d.ids.length, 0) };
}

/** Ids of the special tokens, which are never blanked. */
export function specialIds(tokenizer: TextTokenizer): Set<number> {
  return new Set(SPECIAL_TOKENS.map((t) => tokenizer.tokenToId(t)).filter((id): id is number => id !== undefined));
}

/** Draws up to `count` distinct sites from `all` with a seeded RNG (partial Fisher–Yates), in a stable order. */
function draw(all: Site[], count: number, seed: number): Site[] {
  const rng = new Rng(seed);
  const n = Math.min(count, all.length);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(all.length - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, n).sort((a, b) => a.doc - b.doc || a.at - b.at);
}

/** Single-token blanks: tokens that are not special and have at least one token to their left. */
export function sampleTokenSites(h: HeldOut, specials: Set<number>, count: number, seed: number): Site[] {
  const all: Site[] = [];
  h.docs.forEach((d, doc) => {
    for (let at = 1; at < d.ids.length; at++) if (!specials.has(d.ids[at])) all.push({ doc, at, span: 1 });
  });
  return draw(all, count, seed);
}

/** Whole-word blanks: every token of a word, for words with at least one token to their left. */
export function sampleWordSites(h: HeldOut, count: number, seed: number): Site[] {
  const all: Site[] = [];
  h.docs.forEach((d, doc) => {
    for (const [at, span] of d.words) if (at >= 1) all.push({ doc, at, span });
  });
  return draw(all, count, seed);
}

/**
 * Up to `count` distinct windows of `length` tokens at seeded places in documents long enough (the longest
 * document, whole, when none is).
 */
export function sampleWindows(h: HeldOut, length: number, count: number, seed: number): Array<{ doc: number; start: number; length: number }> {
  const long = h.docs.map((d, doc) => ({ doc, n: d.ids.length })).filter((d) => d.n >= length);
  if (long.length === 0) {
    const best = h.docs.map((d, doc) => ({ doc, n: d.ids.length })).sort((a, b) => b.n - a.n)[0];
    return best.n >= 2 ? [{ doc: best.doc, start: 0, length: best.n }] : [];
  }
  const rng = new Rng(seed);
  const total = long.reduce((n, d) => n + d.n - length + 1, 0);
  const out: Array<{ doc: number; start: number; length: number }> = [];
  const taken = new Set<number>();
  for (let i = 0; i < Math.min(count, total); i++) {
    let r = rng.int(total);
    // a place already drawn moves to the next free one, so windows never repeat
    while (taken.has(r)) r = (r + 1) % total;
    taken.add(r);
    for (const d of long) {
      const places = d.n - length + 1;
      if (r < places) {
        out.push({ doc: d.doc, start: r, length });
        break;
      }
      r -= places;
    }
  }
  return out;
}
