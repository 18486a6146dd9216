// Numbers written out in words: American English without "and" ("one thousand nine hundred fifty-eight") and Chinese
// numerals ("一千九百五十八"), for 0 <= n < 10^12, the target side of the number-to-words tasks.

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion'];

/** The largest number the task writes out (12 digits: below one trillion / 一万亿). */
export const MAX_NUMBER_DIGITS = 12;

function checkNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 10 ** MAX_NUMBER_DIGITS) {
    throw new RangeError(`${n} is not a whole number from 0 to ${10 ** MAX_NUMBER_DIGITS - 1}.`);
  }
}

/** 1..999 in English words. */
function englishChunk(n: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(ONES[hundreds], 'hundred');
  if (rest > 0 && rest < 20) words.push(ONES[rest]);
  else if (rest >= 20) words.push(rest % 10 === 0 ? TENS[Math.floor(rest / 10)] : `${TENS[Math.floor(rest / 10)]}-${ONES[rest % 10]}`);
  return words;
}

/** 1958 -> "one thousand nine hundred fifty-eight"; 0 -> "zero". Words are separated by single spaces. */
export function englishNumberWords(n: number): string {
  checkNumber(n);
  if (n === 0) return 'zero';
  const words: string[] = [];
  for (let scale = SCALES.length - 1; scale >= 0; scale--) {
    const chunk = Math.floor(n / 1000 ** scale) % 1000;
    if (chunk === 0) continue;
    words.push(...englishChunk(chunk));
    if (SCALES[scale] !== '') words.push(SCALES[scale]);
  }
  return words.join(' ');
}

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const ZH_UNITS = ['千', '百', '十', ''];
const ZH_GROUPS = ['', '万', '亿'];

/** 1..9999 without a leading 零: inner runs of zeros read as one 零, trailing zeros are silent. */
function chineseGroup(n: number): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  let out = '';
  let started = false;
  let zero = false;
  for (let i = 0; i < 4; i++) {
    if (digits[i] === 0) {
      zero = started;
      continue;
    }
    if (zero) out += '零';
    zero = false;
    out += ZH_DIGITS[digits[i]] + ZH_UNITS[i];
    started = true;
  }
  return out;
}

/** 1958 -> "一千九百五十八", 10005 -> "一万零五", 100000001 -> "一亿零一", 15 -> "十五" (a leading 一十 reads 十). */
export function chineseNumberWords(n: number): string {
  checkNumber(n);
  if (n === 0) return '零';
  let out = '';
  let gap = false;
  for (let g = ZH_GROUPS.length - 1; g >= 0; g--) {
    const v = Math.floor(n / 10000 ** g) % 10000;
    if (v === 0) {
      gap = out !== '';
      continue;
    }
    // a lower group after a higher one reads 零 when it starts with a zero digit or a whole group was skipped
    if (out !== '' && (v < 1000 || gap)) out += '零';
    gap = false;
    out += chineseGroup(v) + ZH_GROUPS[g];
  }
  return out.startsWith('一十') ? out.slice(1) : out;
}

/** Each digit of a year as a Chinese numeral, as dates are read: 1958 -> "一九五八". */
export function chineseYearDigits(year: number): string {
  return String(year).split('').map((d) => ZH_DIGITS[Number(d)]).join('').replaceAll('零', '〇');
}
