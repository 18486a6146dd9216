// Dataset statistics: code-point counts, CJK-aware words, labels, the length histogram and the top characters.
import { describe, expect, it } from 'vitest';
import { lengthHistogram, StatsAccumulator } from '../../../main/data/stats';
import { codePointLength, countWords, ellipsize } from '../../../main/data/text';

// Counted by hand: Hello | 世 | 界 | it | s | 2024 | こ ん に ち は | 한 국 어 | café → 15 words. Python's len()
// (code points) gives 38 characters, 40 UTF-16 units, 30 distinct characters.
const MIXED = "Hello 世界, it's 2024! こんにちは 한국어 café 👍🏽";

describe('text helpers', () => {
  it('counts CJK ideographs, kana and hangul syllables one word each, other words as letter/digit runs', () => {
    expect(countWords(MIXED)).toBe(15);
    expect(countWords('深度学习')).toBe(4);
    expect(countWords('  ...  ')).toBe(0);
    expect(countWords('naïve')).toBe(1);
    // a Devanagari word with vowel signs (combining marks) stays one word
    expect(countWords('नमस्ते दुनिया')).toBe(2);
  });

  it('measures length in code points', () => {
    expect(codePointLength(MIXED)).toBe(38);
    expect(MIXED.length).toBe(40);
    expect(ellipsize('abcdef', 4)).toBe('abc…');
    expect(ellipsize('𝄞𝄞𝄞', 3)).toBe('𝄞𝄞𝄞');
  });
});

describe('StatsAccumulator', () => {
  it('sums documents, characters, words, unique characters and labels', () => {
    const acc = new StatsAccumulator();
    acc.add(MIXED, 'mixed');
    acc.add('深度学习', 'zh');
    acc.add('aab', 'mixed');
    acc.add('x', null);
    const s = acc.finish();
    expect(s.documents).toBe(4);
    expect(s.characters).toBe(38 + 4 + 3 + 1);
    expect(s.words).toBe(15 + 4 + 1 + 1);
    // 30 distinct in MIXED, plus 深 度 学 习, b and x ("a" already occurs in "café")
    expect(s.uniqueCharacters).toBe(30 + 4 + 1 + 1);
    expect(s.labels).toEqual({ mixed: 2, zh: 1 });
    expect(s.minLength).toBe(1);
    expect(s.maxLength).toBe(38);
    expect(s.meanLength).toBeCloseTo(46 / 4, 12);
  });

  it('lists the most frequent non-space characters first', () => {
    const acc = new StatsAccumulator();
    acc.add('a a a b b c', null);
    acc.add('爱 爱 爱 爱 👍👍👍👍👍', null);
    const s = acc.finish();
    expect(s.topCharacters.slice(0, 5)).toEqual([
      { char: '👍', count: 5 },
      { char: '爱', count: 4 },
      { char: 'a', count: 3 },
      { char: 'b', count: 2 },
      { char: 'c', count: 1 },
    ]);
    expect(s.topCharacters.some((c) => c.char === ' ')).toBe(false);
  });

  it('bins lengths 1..100 into 21 bins of width 5', () => {
    const acc = new StatsAccumulator();
    for (let n = 1; n <= 100; n++) acc.add('x'.repeat(n), null);
    const h = acc.finish().lengthHistogram;
    expect(h.edges).toEqual(Array.from({ length: 22 }, (_, i) => i * 5));
    expect(h.counts).toEqual([4, ...Array(19).fill(5), 1]);
  });

  it('handles equal lengths, a single document and no documents', () => {
    expect(lengthHistogram([7, 7, 7], 3, 7, 7)).toEqual({ edges: [7, 8], counts: [3] });
    const empty = new StatsAccumulator().finish();
    expect(empty).toMatchObject({ documents: 0, characters: 0, minLength: 0, maxLength: 0, meanLength: 0, labels: {} });
    expect(empty.lengthHistogram).toEqual({ edges: [0, 1], counts: [0] });
  });

  it('keeps a million document lengths without trouble', () => {
    const acc = new StatsAccumulator();
    for (let i = 0; i < 1_000_000; i++) acc.add(i % 2 === 0 ? 'ab' : 'abcd', null);
    const s = acc.finish();
    expect(s.documents).toBe(1_000_000);
    expect(s.characters).toBe(3_000_000);
    expect(s.lengthHistogram.counts.reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });
});
