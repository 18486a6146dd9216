// Shared text helpers: code-point classes (CJK vs. word characters), CJK-aware word counting, code-point length.

/** What a code point contributes to a word count. */
export enum CharClass {
  /** spaces, punctuation, symbols: end a word */
  Other = 0,
  /** letters, digits (and combining marks inside a word): a run of them is one word */
  Word = 1,
  /** CJK ideographs, kana, hangul: each one is a word of its own (these scripts do not separate words by spaces) */
  Cjk = 2,
  /** a combining mark: continues a word run but never starts one (e.g. Devanagari vowel signs) */
  Mark = 3,
}

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD_RE = /[\p{L}\p{N}]/u;
const MARK_RE = /\p{M}/u;

// Classifying with regexes per character is slow on 100 MB of text, so BMP classes are computed once per code point
// on first sight and cached here (0xff = not yet computed).
const bmpClass = new Uint8Array(0x10000).fill(0xff);
for (let c = 0; c < 0x80; c++) {
  const isWord = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  bmpClass[c] = isWord ? CharClass.Word : CharClass.Other;
}

function classifySlow(cp: number): CharClass {
  const ch = String.fromCodePoint(cp);
  if (CJK_RE.test(ch) && WORD_RE.test(ch)) return CharClass.Cjk;
  if (WORD_RE.test(ch)) return CharClass.Word;
  if (MARK_RE.test(ch)) return CharClass.Mark;
  return CharClass.Other;
}

/** The word-count class of one code point. */
export function charClass(cp: number): CharClass {
  if (cp < 0x10000) {
    let k = bmpClass[cp];
    if (k === 0xff) {
      k = classifySlow(cp);
      bmpClass[cp] = k;
    }
    return k as CharClass;
  }
  return classifySlow(cp);
}

/** Whether a code point is a CJK ideograph, kana or hangul letter (each counts as one word). */
export function isCjk(cp: number): boolean {
  return charClass(cp) === CharClass.Cjk;
}

/**
 * One code point of CJK-aware word counting, given whether a letter/digit run is open before it. Returns bit 0 set
 * when a word starts here and bit 1 set when a run is open after it (combining marks leave the run as it was).
 */
export function wordStep(cp: number, inRun: boolean): number {
  const k = charClass(cp);
  if (k === CharClass.Word) return (inRun ? 0 : 1) | 2;
  if (k === CharClass.Cjk) return 1;
  if (k === CharClass.Other) return 0;
  return inRun ? 2 : 0;
}

/**
 * Counts words the CJK-aware way: each CJK ideograph / kana / hangul syllable is one word; any other word is a run of
 * letters and digits (\p{L}\p{N}, with combining marks allowed inside). "Hello 世界, it's 2024" → 6
 * (Hello, 世, 界, it, s, 2024).
 */
export function countWords(text: string): number {
  let words = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    const step = wordStep(cp, inRun);
    words += step & 1;
    inRun = (step & 2) !== 0;
  }
  return words;
}

/** Length in code points (what a person calls characters), not UTF-16 units: "𝄞a" → 2. */
export function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Shortens text for previews and error messages, on a code-point boundary: "abcdef", 4 → "abc…". */
export function ellipsize(text: string, maxChars: number): string {
  const cps = Array.from(text.length > maxChars * 2 + 2 ? text.slice(0, maxChars * 2 + 2) : text);
  if (cps.length <= maxChars) return text;
  return cps.slice(0, Math.max(0, maxChars - 1)).join('') + '…';
}
