// Byte-level BPE: lossless round trip on any Unicode (emoji, Chinese, unseen scripts) and offsets back into the input.
import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../../../main/data/tokenizers/index';
import { EDGE_TEXTS, FIXTURE, trainingDocs } from './corpus';

const { tokenizer } = trainTokenizer('bpe', () => trainingDocs(), { vocabSize: 1200 });

/** Seeded random strings drawn from ASCII, Latin-1, CJK, Hangul, combining marks, whitespace and astral emoji. */
function randomTexts(count: number, seed: number): string[] {
  const ranges: [number, number][] = [
    [0x20, 0x7e], [0xa0, 0xff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0x300, 0x36f], [0x1f300, 0x1faff], [0x10000, 0x1007f],
  ];
  const spaces = ['\n', '\t', ' ', '  ', '\u3000', '\r\n'];
  let s = seed;
  const rand = (n: number): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  return Array.from({ length: count }, () => {
    let out = '';
    const len = 1 + rand(60);
    for (let i = 0; i < len; i++) {
      if (rand(6) === 0) out += spaces[rand(spaces.length)];
      const [lo, hi] = ranges[rand(ranges.length)];
      out += String.fromCodePoint(lo + rand(hi - lo + 1));
    }
    return out;
  });
}

describe('byte-level BPE', () => {
  it('decodes what it encodes, exactly, on arbitrary Unicode', () => {
    const texts = [FIXTURE, ...EDGE_TEXTS, ...randomTexts(300, 7), '🙂👍🏽🇨🇳 中文混排 emoji🙂end', '\u{10FFFF}\u{E000}\u0000'];
    for (const text of texts) expect(tokenizer.decode(tokenizer.encode(text).ids)).toBe(text);
  });

  it('never emits [UNK]: every byte has a token', () => {
    for (const text of randomTexts(100, 99)) expect(Array.from(tokenizer.encode(text).ids)).not.toContain(tokenizer.specialId('[UNK]'));
  });

  it('gives offsets in code units that tile the input, whole characters even for partial-byte tokens', () => {
    for (const text of [FIXTURE, ...randomTexts(100, 3)]) {
      const { offsets, ids, tokens } = tokenizer.encode(text);
      expect(offsets).toHaveLength(ids.length);
      expect(tokens).toHaveLength(ids.length);
      let covered = 0;
      for (const [start, end] of offsets) {
        // several tokens may share one character (its UTF-8 bytes split between them)
        expect(start === covered || start < covered).toBe(true);
        expect(end).toBeGreaterThan(start);
        covered = Math.max(covered, end);
      }
      expect(covered).toBe(text.length);
    }
    const emoji = tokenizer.encode('x🙂');
    expect(emoji.offsets[0]).toEqual([0, 1]);
    for (const o of emoji.offsets.slice(1)) expect(o).toEqual([1, 3]);
  });

  it('keeps special tokens written in the text as one token each', () => {
    const text = 'to be[SEP]or not[EOS]';
    const { ids, tokens, offsets } = tokenizer.encode(text);
    expect(tokens).toContain('[SEP]');
    expect(ids[ids.length - 1]).toBe(6);
    expect(offsets[offsets.length - 1]).toEqual([16, 21]);
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('marks leading spaces with Ġ like GPT-2', () => {
    const { tokens } = tokenizer.encode('the king and the queen');
    expect(tokens.filter((t) => t.startsWith('Ġ')).length).toBe(4);
    expect(tokenizer.tokenToId('Ġthe')).toBeTypeOf('number');
  });
});
