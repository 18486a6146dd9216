// The date-normalisation task's sources: one calendar date written in many human formats (English and Chinese), each
// mapped to ISO 8601 ("1958-08-29"). Dates lie in 1950-2049 so two-digit years ("Aug 29, 58") are unambiguous: 50-99
// are 19xx, 00-49 are 20xx. Numeric formats differ by separator (US month/day/year with "/", European day.month.year
// with "."), so every source has exactly one reading.
import { chineseNumberWords, chineseYearDigits } from './number-words';

export const DATE_LANGUAGES = ['en', 'zh', 'all'] as const;
export type DateLanguage = typeof DATE_LANGUAGES[number];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface CalendarDate {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
}

function ordinal(d: number): string {
  const suffix = d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th';
  return `${d}${suffix}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function weekday(d: CalendarDate): string {
  return WEEKDAYS[new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()];
}

type Format = (d: CalendarDate) => string;

const EN_FORMATS: Format[] = [
  (d) => `the ${ordinal(d.day)} of ${MONTHS[d.month - 1]} ${d.year}`,
  (d) => `${MONTHS[d.month - 1].slice(0, 3)} ${d.day}, ${pad2(d.year % 100)}`,
  (d) => `${MONTHS[d.month - 1]} ${d.day}, ${d.year}`,
  (d) => `${d.day} ${MONTHS[d.month - 1]} ${d.year}`,
  (d) => `${d.day} ${MONTHS[d.month - 1].slice(0, 3)} ${d.year}`,
  (d) => `${weekday(d)}, ${MONTHS[d.month - 1]} ${d.day}, ${d.year}`,
  (d) => `${pad2(d.month)}/${pad2(d.day)}/${d.year}`,
  (d) => `${pad2(d.day)}.${pad2(d.month)}.${d.year}`,
];

const ZH_FORMATS: Format[] = [
  (d) => `${d.year}年${d.month}月${d.day}日`,
  (d) => `${chineseYearDigits(d.year)}年${chineseNumberWords(d.month)}月${chineseNumberWords(d.day)}日`,
  (d) => `${pad2(d.year % 100)}年${d.month}月${d.day}日`,
  (d) => `${d.year}.${d.month}.${d.day}`,
];

export function dateFormats(language: DateLanguage): Format[] {
  return language === 'en' ? EN_FORMATS : language === 'zh' ? ZH_FORMATS : [...EN_FORMATS, ...ZH_FORMATS];
}

/** ISO 8601 calendar date. */
export function isoDate(d: CalendarDate): string {
  return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
}

const FIRST_DAY = Date.UTC(1950, 0, 1);
const DAYS = Math.round((Date.UTC(2050, 0, 1) - FIRST_DAY) / 86_400_000);

/** A uniformly drawn date in 1950-01-01 .. 2049-12-31. */
export function randomDate(rand: () => number): CalendarDate {
  const t = new Date(FIRST_DAY + Math.floor(rand() * DAYS) * 86_400_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

const ranges = new Map<DateLanguage, [number, number]>();

/** The shortest and longest source (in characters) any date takes in these formats: every day of 1950-1977, a full
 *  28-year cycle of the calendar, so every weekday meets every month and day (two-digit years do not change lengths). */
export function dateLengthRange(language: DateLanguage): [number, number] {
  const known = ranges.get(language);
  if (known) return known;
  let lo = Infinity;
  let hi = 0;
  const formats = dateFormats(language);
  for (let t = FIRST_DAY; t < Date.UTC(1978, 0, 1); t += 86_400_000) {
    const u = new Date(t);
    const d = { year: u.getUTCFullYear(), month: u.getUTCMonth() + 1, day: u.getUTCDate() };
    for (const f of formats) {
      const n = Array.from(f(d)).length;
      lo = Math.min(lo, n);
      hi = Math.max(hi, n);
    }
  }
  const range: [number, number] = [lo, hi];
  ranges.set(language, range);
  return range;
}
