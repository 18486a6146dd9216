// loadTokenizer: foreign tokenizer.json files — what loads, how roles map, and the sentences for what does not.
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { loadTokenizer } from '../../../main/data/tokenizers/index';

function errorOf(fn: () => unknown): LabError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LabError);
    return e as LabError;
  }
  throw new Error('expected a LabError');
}

const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

/** A GPT-2-shaped file: bytes a, b, Ġ, one merge, and <|endoftext|> as its only special token. */
const gpt2Like = {
  version: '1.0',
  added_tokens: [{ id: 4, content: '<|endoftext|>', special: true }],
  normalizer: null,
  pre_tokenizer: byteLevel,
  decoder: byteLevel,
  model: { type: 'BPE', vocab: { a: 0, b: 1, 'Ġ': 2, ab: 3, '<|endoftext|>': 4 }, merges: [['a', 'b']] },
};

describe('loadTokenizer', () => {
  it('loads a GPT-2-style file and finds [BOS]/[EOS] under <|endoftext|>', () => {
    const t = loadTokenizer(gpt2Like);
    expect(t.kind).toBe('bpe');
    expect(t.vocabSize).toBe(5);
    expect(Array.from(t.encode('ab ab<|endoftext|>').ids)).toEqual([3, 2, 3, 4]);
    expect(t.specialId('[EOS]')).toBe(4);
    expect(t.specialId('[BOS]')).toBe(4);
    const missing = errorOf(() => t.specialId('[MASK]'));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toContain('no [MASK] token');
  });

  it('adds the leading space of add_prefix_space', () => {
    const t = loadTokenizer({ ...gpt2Like, pre_tokenizer: { ...byteLevel, add_prefix_space: true } });
    expect(Array.from(t.encode('ab').ids)).toEqual([2, 3]);
    expect(t.encode('ab').offsets).toEqual([[0, 0], [0, 2]]);
  });

  it('names an unsupported model type', () => {
    const e = errorOf(() => loadTokenizer({ model: { type: 'Unigram', vocab: [['a', -1]] } }));
    expect(e.code).toBe('bad_file');
    expect(e.message).toContain('"Unigram"');
  });

  it('names an unsupported normalizer and pre-tokenizer', () => {
    expect(errorOf(() => loadTokenizer({ ...gpt2Like, normalizer: { type: 'NFKC' } })).message).toContain('"NFKC"');
    const meta = errorOf(() => loadTokenizer({ ...gpt2Like, pre_tokenizer: { type: 'Metaspace', replacement: '▁' } }));
    expect(meta.message).toContain('"Metaspace"');
    expect(meta.field).toBe('pre_tokenizer');
    const fallback = errorOf(() => loadTokenizer({ ...gpt2Like, model: { ...gpt2Like.model, byte_fallback: true } }));
    expect(fallback.message).toContain('the BPE option "byte_fallback"');
  });

  it('explains text that is not JSON, or JSON that is not a tokenizer', () => {
    expect(errorOf(() => loadTokenizer('{"model": ')).message).toMatch(/^This tokenizer.json is not valid JSON: /);
    expect(errorOf(() => loadTokenizer('[1, 2]')).message).toContain('does not hold a JSON object');
    expect(errorOf(() => loadTokenizer({ version: '1.0' })).message).toContain('no "model" with a "vocab"');
  });

  it('refuses merges that use tokens missing from the vocabulary', () => {
    const e = errorOf(() => loadTokenizer({ ...gpt2Like, model: { ...gpt2Like.model, merges: ['a c'] } }));
    expect(e.message).toContain('Merge 1 ("a" + "c")');
  });
});
