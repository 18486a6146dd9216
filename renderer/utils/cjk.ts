// Which characters of a text the bundled Chinese font must draw (pure: used by styles/fonts.ts and its tests).

/** The distinct CJK characters (ideographs, CJK punctuation, full-width forms) of a text, in first-seen order. */
export function cjkCharacters(text: string): string {
  const seen = new Set<string>();
  for (const ch of text) if (/[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/u.test(ch)) seen.add(ch);
  return [...seen].join('');
}
