// Python's str.split() / str.strip() whitespace in TypeScript, so the metrics cut text exactly where sacrebleu does:
// the characters str.isspace() accepts (JS's \s differs: it includes U+FEFF and lacks U+001C..U+001F and U+0085).

const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUNS = new RegExp(`[${PY_SPACE}]+`, 'u');
const TRAILING = new RegExp(`[${PY_SPACE}]+$`, 'u');
const ENDS = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'gu');

/** str.split(): the words between runs of whitespace, none empty. */
export function pySplit(line: string): string[] {
  return line.split(RUNS).filter((w) => w.length > 0);
}

/** str.rstrip() */
export function pyRstrip(line: string): string {
  return line.replace(TRAILING, '');
}

/** str.strip() */
export function pyStrip(line: string): string {
  return line.replace(ENDS, '');
}

/** The code points of a string (Python indexes strings by code point, JS by UTF-16 unit). */
export function codePoints(line: string): string[] {
  return Array.from(line);
}
