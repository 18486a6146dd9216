// Generated seq2seq tasks with length and vocabulary controls and fixed seeds: copy, reverse and sort a sequence of
// symbols, add two numbers, normalise dates, write numbers out in English or Chinese. The same options and seed give
// the same pairs on every machine; sources are distinct, so held-out pairs never appear in training.
import { LabError } from '../../../common/errors';
import { mulberry32, partSizes, type SplitRatios } from '../splits';
import { dateFormats, dateLengthRange, isoDate, randomDate, DATE_LANGUAGES, type DateLanguage } from './dates';
import { chineseNumberWords, englishNumberWords, MAX_NUMBER_DIGITS } from './number-words';

export const TASK_NAMES = ['copy', 'reverse', 'sort', 'addition', 'dates', 'number-words-en', 'number-words-zh'] as const;
export type TaskName = typeof TASK_NAMES[number];

/** How a side is cut into tokens: every character (spaces included), or words between spaces. */
export type Tokenization = 'chars' | 'words';

export interface Pair {
  source: string;
  target: string;
}

export interface TaskInfo {
  name: TaskName;
  /** what minLength/maxLength count */
  lengthUnit: 'symbols' | 'digits' | 'characters';
  /** the lengths the task can make */
  limits: [number, number];
  source: Tokenization;
  target: Tokenization;
  /** one example with its source and target, for help texts */
  example: Pair;
}

const SYMBOLS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const MAX_SYMBOLS = SYMBOLS.length;

export const TASKS: Record<TaskName, TaskInfo> = {
  copy: { name: 'copy', lengthUnit: 'symbols', limits: [1, 100], source: 'words', target: 'words', example: { source: 'c a d b', target: 'c a d b' } },
  reverse: { name: 'reverse', lengthUnit: 'symbols', limits: [1, 100], source: 'words', target: 'words', example: { source: 'c a d b', target: 'b d a c' } },
  sort: { name: 'sort', lengthUnit: 'symbols', limits: [1, 100], source: 'words', target: 'words', example: { source: 'c a d b', target: 'a b c d' } },
  addition: { name: 'addition', lengthUnit: 'digits', limits: [1, 30], source: 'chars', target: 'chars', example: { source: '358+2947', target: '3305' } },
  dates: { name: 'dates', lengthUnit: 'characters', limits: [1, 40], source: 'chars', target: 'chars', example: { source: 'the 29th of August 1958', target: '1958-08-29' } },
  'number-words-en': { name: 'number-words-en', lengthUnit: 'digits', limits: [1, MAX_NUMBER_DIGITS], source: 'chars', target: 'words', example: { source: '1958', target: 'one thousand nine hundred fifty-eight' } },
  'number-words-zh': { name: 'number-words-zh', lengthUnit: 'digits', limits: [1, MAX_NUMBER_DIGITS], source: 'chars', target: 'chars', example: { source: '1958', target: '一千九百五十八' } },
};

export interface TaskOptions {
  task: TaskName;
  /** how many distinct pairs */
  pairs: number;
  /** shortest and longest source, in the task's length unit (symbols, digits of each number, or characters) */
  minLength: number;
  maxLength: number;
  /** copy, reverse, sort: how many different symbols (2..52, default 10) */
  symbols?: number;
  /** dates: which formats (default 'all') */
  language?: DateLanguage;
  seed: number;
}

export interface PairSet {
  info: TaskInfo;
  options: Required<TaskOptions>;
  pairs: Pair[];
}

function invalid(message: string, field: string): never {
  throw new LabError('invalid_input', message, { field });
}

function wholeNumber(value: unknown, field: string, lo: number, hi: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    invalid(`${field} is ${JSON.stringify(value)}, but it must be a whole number from ${lo} to ${hi} (${what}).`, field);
  }
  return value;
}

/** Checks the options and fills in defaults; every message names the field, quotes the value and gives the range. */
export function checkTaskOptions(o: TaskOptions): Required<TaskOptions> {
  if (!(TASK_NAMES as readonly string[]).includes(o.task)) {
    invalid(`task is ${JSON.stringify(o.task)}, but it must be one of ${TASK_NAMES.join(', ')}.`, 'task');
  }
  const info = TASKS[o.task];
  const pairs = wholeNumber(o.pairs, 'pairs', 1, 500_000, 'how many pairs to generate');
  const unit = info.lengthUnit;
  let [lo, hi] = info.limits;
  const language = o.language ?? 'all';
  if (!(DATE_LANGUAGES as readonly string[]).includes(language)) {
    invalid(`language is ${JSON.stringify(language)}, but it must be en, zh or all.`, 'language');
  }
  if (o.task === 'dates') [lo, hi] = dateLengthRange(language);
  const what = `${o.task} sources are ${lo} to ${hi} ${unit} long${o.task === 'addition' ? ' per number' : ''}`;
  const minLength = wholeNumber(o.minLength, 'minLength', lo, hi, what);
  const maxLength = wholeNumber(o.maxLength, 'maxLength', lo, hi, what);
  if (minLength > maxLength) {
    invalid(`minLength ${minLength} is above maxLength ${maxLength}; give the shortest source first (e.g. minLength ${maxLength}, maxLength ${minLength}).`, 'minLength');
  }
  const symbols = wholeNumber(o.symbols ?? 10, 'symbols', 2, MAX_SYMBOLS, 'different symbols in copy, reverse and sort');
  const seed = wholeNumber(o.seed, 'seed', 0, 0xffffffff, 'any 32-bit unsigned number');
  return { task: o.task, pairs, minLength, maxLength, symbols, language, seed };
}

type Draw = (rand: () => number) => Pair | null;

const intIn = (rand: () => number, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

/** A number with exactly `digits` digits (0..9 for one digit), as a decimal string. */
function digitsNumber(rand: () => number, digits: number): string {
  let s = digits === 1 ? String(intIn(rand, 0, 9)) : String(intIn(rand, 1, 9));
  for (let i = 1; i < digits; i++) s += String(intIn(rand, 0, 9));
  return s;
}

function drawFor(o: Required<TaskOptions>): Draw {
  const { minLength: lo, maxLength: hi } = o;
  switch (o.task) {
    case 'copy':
    case 'reverse':
    case 'sort':
      return (rand) => {
        const n = intIn(rand, lo, hi);
        const idx = Array.from({ length: n }, () => Math.floor(rand() * o.symbols));
        const out = o.task === 'copy' ? idx : o.task === 'reverse' ? [...idx].reverse() : [...idx].sort((a, b) => a - b);
        return { source: idx.map((i) => SYMBOLS[i]).join(' '), target: out.map((i) => SYMBOLS[i]).join(' ') };
      };
    case 'addition':
      return (rand) => {
        const a = digitsNumber(rand, intIn(rand, lo, hi));
        const b = digitsNumber(rand, intIn(rand, lo, hi));
        return { source: `${a}+${b}`, target: String(BigInt(a) + BigInt(b)) };
      };
    case 'dates': {
      const formats = dateFormats(o.language);
      return (rand) => {
        const d = randomDate(rand);
        const source = formats[Math.floor(rand() * formats.length)](d);
        const n = Array.from(source).length;
        return n >= lo && n <= hi ? { source, target: isoDate(d) } : null;
      };
    }
    case 'number-words-en':
    case 'number-words-zh':
      return (rand) => {
        const s = digitsNumber(rand, intIn(rand, lo, hi));
        const n = Number(s);
        return { source: s, target: o.task === 'number-words-en' ? englishNumberWords(n) : chineseNumberWords(n) };
      };
  }
}

/** `options.pairs` distinct pairs in a seeded random order (the order the splits cut). */
export function generatePairs(options: TaskOptions): PairSet {
  const o = checkTaskOptions(options);
  const rand = mulberry32(o.seed);
  const draw = drawFor(o);
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  const attempts = o.pairs * 50 + 1000;
  for (let i = 0; i < attempts && pairs.length < o.pairs; i++) {
    const p = draw(rand);
    if (p === null || seen.has(p.source)) continue;
    seen.add(p.source);
    pairs.push(p);
  }
  if (pairs.length < o.pairs) {
    const info = TASKS[o.task];
    const vocab = ['copy', 'reverse', 'sort'].includes(o.task) ? ` over ${o.symbols} symbols` : '';
    invalid(`Only ${pairs.length} distinct ${o.task} sources of ${o.minLength} to ${o.maxLength} ${info.lengthUnit}${vocab} turned up in ${attempts} draws, fewer than the ${o.pairs} pairs asked for; ask for at most ${pairs.length} pairs, or widen the lengths${vocab === '' ? '' : ' or the symbols'}.`, 'pairs');
  }
  return { info: TASKS[o.task], options: o, pairs };
}

export interface PairSplits {
  train: Pair[];
  validation: Pair[];
  test: Pair[];
}

/** Cuts pairs (already in random order) into train / validation / test by ratio, sizes summing exactly to the total. */
export function splitPairs(pairs: readonly Pair[], ratios: SplitRatios = { train: 0.8, validation: 0.1, test: 0.1 }): PairSplits {
  const [a, b] = partSizes(pairs.length, ratios);
  return { train: pairs.slice(0, a), validation: pairs.slice(a, a + b), test: pairs.slice(a + b) };
}
