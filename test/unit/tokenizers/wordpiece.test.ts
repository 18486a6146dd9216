// WordPiece: BERT pre-tokenization (CJK characters alone, punctuation isolated), "##" continuations, [UNK] words.
import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../../../main/data/tokenizers/index';
import { trainingDocs } from './corpus';

const { tokenizer } = trainTokenizer('wordpiece', () => trainingDocs(), { vocabSize: 2500 });
const UNK = 1;

describe('WordPiece', () => {
  it('makes every CJK ideograph its own token, with its own offsets', () => {
    const text = '注意力机制让模型';
    const { tokens, offsets } = tokenizer.encode(text);
    expect(tokens).toEqual([...text]);
    expect(offsets).toEqual([...text].map((_, i) => [i, i + 1]));
    // even glued to Latin letters: 混合文本mixed -> 混 合 文 本 then the word
    expect(tokenizer.encode('文本mixed').tokens.slice(0, 2)).toEqual(['文', '本']);
  });

  it('isolates punctuation and drops whitespace', () => {
    const { tokens } = tokenizer.encode('Speak, speak!\t(now)');
    expect(tokens.filter((t) => /^[,!()]$/.test(t))).toEqual([',', '!', '(', ')']);
    expect(tokens.some((t) => /\s/.test(t))).toBe(false);
  });

  it('splits unknown words into a head and "##" continuations that decode back', () => {
    const { tokens, offsets } = tokenizer.encode('unspeakably');
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens[0].startsWith('##')).toBe(false);
    for (const t of tokens.slice(1)) expect(t.startsWith('##')).toBe(true);
    expect(offsets[0][0]).toBe(0);
    expect(offsets[offsets.length - 1][1]).toBe(11);
    expect(tokenizer.decode(tokenizer.encode('unspeakably').ids)).toBe('unspeakably');
  });

  it('reads a word with an unseen character, or over 100 characters, as one [UNK]', () => {
    const enc = tokenizer.encode('hello wor☃ld end');
    expect(Array.from(enc.ids).filter((id) => id === UNK)).toHaveLength(1);
    expect(enc.offsets[Array.from(enc.ids).indexOf(UNK)]).toEqual([6, 12]);
    expect(Array.from(tokenizer.encode('a'.repeat(101)).ids)).toEqual([UNK]);
  });

  it('decodes like BERT: spaces between words, none before punctuation', () => {
    expect(tokenizer.decode(tokenizer.encode('First Citizen: Speak, speak.').ids)).toBe('First Citizen : Speak, speak.');
  });

  it('maps offsets through cleaning (a dropped control character, a tab made a space)', () => {
    const text = 'a\u0000b\tcd';
    const { ids, offsets } = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe('ab cd');
    expect(offsets[0][0]).toBe(0);
    // "ab" ends after b (index 2, past the dropped NUL at 1); "cd" starts after the tab
    const abEnd = offsets.findIndex(([, end]) => end === 3);
    expect(abEnd).toBeGreaterThanOrEqual(0);
    expect(offsets[abEnd + 1][0]).toBe(4);
    expect(offsets[offsets.length - 1][1]).toBe(text.length);
  });
});
