// The generated seq2seq tasks: deterministic per seed, distinct sources within the length controls, targets that are
// right (checked by independent means: reversing, sorting, BigInt sums, Date parsing, known number spellings), and
// bad options refused with sentences that name the field and the range.
import { describe, expect, it } from 'vitest';
import { generatePairs, splitPairs, TASK_NAMES, TASKS, type TaskName } from '../../../main/data/pairs/tasks';
import { chineseNumberWords, englishNumberWords } from '../../../main/data/pairs/number-words';
import { dateFormats, dateLengthRange } from '../../../main/data/pairs/dates';

const lengthOf = (task: TaskName, source: string): number[] => {
  if (TASKS[task].lengthUnit === 'symbols') return [source.split(' ').length];
  if (task === 'addition') return source.split('+').map((s) => s.length);
  if (task === 'dates') return [Array.from(source).length];
  return [source.length];
};

describe('generated tasks', () => {
  it.each(TASK_NAMES.map((t) => [t]))('%s: same seed, same pairs; distinct sources; lengths inside the controls', (task) => {
    const [lo, hi] = task === 'dates' ? [12, 24] : [2, 6];
    const a = generatePairs({ task, pairs: 300, minLength: lo, maxLength: hi, seed: 7 });
    const b = generatePairs({ task, pairs: 300, minLength: lo, maxLength: hi, seed: 7 });
    const c = generatePairs({ task, pairs: 300, minLength: lo, maxLength: hi, seed: 8 });
    expect(a.pairs).toEqual(b.pairs);
    expect(c.pairs).not.toEqual(a.pairs);
    expect(new Set(a.pairs.map((p) => p.source)).size).toBe(300);
    for (const p of a.pairs) for (const n of lengthOf(task, p.source)) expect(n >= lo && n <= hi, `${task}: ${p.source}`).toBe(true);
    // every length of the range occurs (uniform lengths feed the per-length buckets)
    const seen = new Set(a.pairs.flatMap((p) => lengthOf(task, p.source)));
    if (task !== 'dates') for (let n = lo; n <= hi; n++) expect(seen.has(n), `${task} length ${n}`).toBe(true);
  });

  it('copy, reverse and sort targets follow their sources; symbols limit the vocabulary', () => {
    for (const task of ['copy', 'reverse', 'sort'] as const) {
      const set = generatePairs({ task, pairs: 200, minLength: 1, maxLength: 12, symbols: 5, seed: 1 });
      for (const { source, target } of set.pairs) {
        const s = source.split(' ');
        expect(s.every((x) => 'abcde'.includes(x))).toBe(true);
        const expected = task === 'copy' ? s : task === 'reverse' ? [...s].reverse() : [...s].sort();
        expect(target).toBe(expected.join(' '));
      }
    }
  });

  it('addition sums exactly, also beyond 2^53', () => {
    const set = generatePairs({ task: 'addition', pairs: 100, minLength: 17, maxLength: 25, seed: 3 });
    for (const { source, target } of set.pairs) {
      const [a, b] = source.split('+');
      expect(BigInt(target)).toBe(BigInt(a) + BigInt(b));
    }
  });

  it('dates: every source is one of the formats of the date its ISO target names', () => {
    const set = generatePairs({ task: 'dates', pairs: 400, minLength: 7, maxLength: 29, seed: 5 });
    for (const { source, target } of set.pairs) {
      expect(target).toMatch(/^(19[5-9]\d|20[0-4]\d)-\d\d-\d\d$/);
      const [y, m, d] = target.split('-').map(Number);
      const date = { year: y, month: m, day: d };
      expect(dateFormats('all').some((f) => f(date) === source), source).toBe(true);
    }
    const d = { year: 1958, month: 8, day: 29 };
    expect(dateFormats('all').map((f) => f(d))).toEqual([
      'the 29th of August 1958', 'Aug 29, 58', 'August 29, 1958', '29 August 1958', '29 Aug 1958', 'Friday, August 29, 1958',
      '08/29/1958', '29.08.1958', '1958年8月29日', '一九五八年八月二十九日', '58年8月29日', '1958.8.29',
    ]);
    expect(dateLengthRange('en')).toEqual([9, 29]); // 'Aug 1, 58' .. 'Wednesday, September 10, 1958'
    expect(dateLengthRange('all')).toEqual([7, 29]); // '58年8月1日'
  });

  it('numbers in English and Chinese words', () => {
    const en: [number, string][] = [[0, 'zero'], [7, 'seven'], [15, 'fifteen'], [20, 'twenty'], [21, 'twenty-one'], [100, 'one hundred'],
      [110, 'one hundred ten'], [1005, 'one thousand five'], [1958, 'one thousand nine hundred fifty-eight'], [1_000_000, 'one million'],
      [123_456_789_012, 'one hundred twenty-three billion four hundred fifty-six million seven hundred eighty-nine thousand twelve']];
    for (const [n, w] of en) expect(englishNumberWords(n)).toBe(w);
    const zh: [number, string][] = [[0, '零'], [10, '十'], [15, '十五'], [20, '二十'], [101, '一百零一'], [110, '一百一十'], [1005, '一千零五'],
      [1050, '一千零五十'], [1958, '一千九百五十八'], [10005, '一万零五'], [20000, '二万'], [100010, '十万零一十'], [150000, '十五万'],
      [100000001, '一亿零一'], [101000000, '一亿零一百万'], [110000000, '一亿一千万'], [999999999999, '九千九百九十九亿九千九百九十九万九千九百九十九']];
    for (const [n, w] of zh) expect(chineseNumberWords(n)).toBe(w);
    const set = generatePairs({ task: 'number-words-zh', pairs: 50, minLength: 1, maxLength: 12, seed: 2 });
    for (const p of set.pairs) expect(p.target).toBe(chineseNumberWords(Number(p.source)));
  });

  it('splits cut the seeded order into exact parts that share no source', () => {
    const set = generatePairs({ task: 'reverse', pairs: 1001, minLength: 1, maxLength: 10, seed: 9 });
    const s = splitPairs(set.pairs);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([801, 100, 100]);
    const train = new Set(s.train.map((p) => p.source));
    expect(s.test.some((p) => train.has(p.source))).toBe(false);
  });

  it('refuses impossible options with sentences', () => {
    expect(() => generatePairs({ task: 'reverse', pairs: 10, minLength: 9, maxLength: 4, seed: 1 }))
      .toThrow('minLength 9 is above maxLength 4; give the shortest source first (e.g. minLength 4, maxLength 9).');
    expect(() => generatePairs({ task: 'reverse', pairs: 10, minLength: 1, maxLength: 500, seed: 1 }))
      .toThrow('maxLength is 500, but it must be a whole number from 1 to 100 (reverse sources are 1 to 100 symbols long).');
    expect(() => generatePairs({ task: 'dates', pairs: 10, minLength: 2, maxLength: 5, language: 'en', seed: 1 }))
      .toThrow('minLength is 2, but it must be a whole number from 9 to 29 (dates sources are 9 to 29 characters long).');
    expect(() => generatePairs({ task: 'copy', pairs: 10, minLength: 1, maxLength: 2, symbols: 2, seed: 1 }))
      .toThrow('Only 6 distinct copy sources of 1 to 2 symbols over 2 symbols turned up in 1500 draws, fewer than the 10 pairs asked for; ask for at most 6 pairs, or widen the lengths or the symbols.');
    expect(() => generatePairs({ task: 'nope' as TaskName, pairs: 10, minLength: 1, maxLength: 2, seed: 1 })).toThrow('task is "nope"');
  });
});
