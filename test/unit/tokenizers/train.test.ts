// trainTokenizer: exact vocab sizes, the char-level clip note, [UNK] for unseen characters, frequencies, size errors.
import { describe, expect, it } from 'vitest';
import { LabError } from '../../../common/errors';
import { trainTokenizer } from '../../../main/data/tokenizers/index';
import { SPECIAL_TOKENS, type TokenizerKind } from '../../../common/tokenizers';
import { FIXTURE_LINES, SHAKESPEARE, trainingDocs } from './corpus';

const docs = trainingDocs();

describe('trainTokenizer', () => {
  it('puts the seven special tokens first, in the same order for every kind', () => {
    expect(SPECIAL_TOKENS).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[BOS]', '[EOS]']);
    for (const kind of ['char', 'bpe', 'wordpiece'] as const) {
      const { tokenizer } = trainTokenizer(kind, () => docs, { vocabSize: 300 });
      SPECIAL_TOKENS.forEach((t, id) => {
        expect(tokenizer.idToToken(id)).toBe(t);
        expect(tokenizer.tokenToId(t)).toBe(id);
      });
      expect(tokenizer.specialId('[EOS]')).toBe(6);
      expect(Array.from(tokenizer.encode('[BOS]hi[EOS]').ids).slice(-1)).toEqual([6]);
    }
  });

  const exact: [TokenizerKind, number][] = [['char', 40], ['bpe', 263], ['bpe', 1500], ['wordpiece', 100], ['wordpiece', 1500]];
  for (const [kind, vocabSize] of exact) {
    it(`trains ${kind} to exactly ${vocabSize} tokens`, () => {
      const { tokenizer, frequencies, note } = trainTokenizer(kind, () => docs, { vocabSize });
      expect(tokenizer.kind).toBe(kind);
      expect(tokenizer.vocabSize).toBe(vocabSize);
      expect(frequencies).toHaveLength(vocabSize);
      for (let id = 0; id < vocabSize; id++) expect(tokenizer.idToToken(id)).toBeTypeOf('string');
      // 40 characters and 100 WordPiece symbols cannot hold this text's alphabet (Chinese included): they say so
      if (kind === 'bpe' || vocabSize === 1500) expect(note).toBeUndefined();
      else expect(note).toMatch(kind === 'char' ? /rare characters .* read as \[UNK\]/ : /distinct characters/);
    });
  }

  it('clips a char-level vocabulary to the characters the data has, and says so', () => {
    const text = 'abracadabra, abracadabra!';
    const { tokenizer, note } = trainTokenizer('char', () => [text], { vocabSize: 1000 });
    const distinct = new Set(text).size; // a b r c d , space !
    expect(distinct).toBe(8);
    expect(tokenizer.vocabSize).toBe(SPECIAL_TOKENS.length + distinct);
    expect(note).toContain('only 8 distinct characters');
    expect(note).toContain('instead of 1000');
  });

  it('orders characters by frequency and reads unseen or cut characters as [UNK]', () => {
    const { tokenizer, frequencies, note } = trainTokenizer('char', () => ['aaaa bbb cc d', 'zzzzz'], { vocabSize: 16 });
    // counts: z5 a4 b3 space3 c2 d1 -> ties (b, space) by code point: space before b
    expect([7, 8, 9, 10, 11, 12, 13].map((id) => tokenizer.idToToken(id))).toEqual(['z', 'a', ' ', 'b', 'c', 'd', undefined]);
    expect(tokenizer.vocabSize).toBe(13);
    expect(note).toContain('only 6 distinct characters');
    const enc = tokenizer.encode('abé中d');
    expect(Array.from(enc.ids)).toEqual([8, 10, 1, 1, 12]);
    expect(enc.offsets).toEqual([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]);
    expect(frequencies).toEqual([0, 0, 0, 0, 0, 0, 0, 5, 4, 3, 3, 2, 1]);
  });

  it('counts characters that do not fit into [UNK] when the vocabulary is full', () => {
    const { tokenizer, frequencies, note } = trainTokenizer('char', () => ['abcdefghijklmnopqrstuvwxyz'.repeat(3) + 'é'], { vocabSize: 16 });
    expect(tokenizer.vocabSize).toBe(16);
    expect(note).toContain('18 rare characters');
    // kept: the 9 letters a..i (ties by code point); cut: j..z three times each and é once
    expect(frequencies[1]).toBe(17 * 3 + 1);
  });

  it('lowercases when asked, for every kind', () => {
    for (const kind of ['char', 'bpe', 'wordpiece'] as const) {
      const { tokenizer } = trainTokenizer(kind, () => docs, { vocabSize: 400, lowercase: true });
      expect(tokenizer.lowercase).toBe(true);
      expect(Array.from(tokenizer.encode('THE KING').ids)).toEqual(Array.from(tokenizer.encode('the king').ids));
    }
  });

  it('reports per-id frequencies equal to encoding the training texts', () => {
    for (const kind of ['bpe', 'wordpiece'] as const) {
      const { tokenizer, frequencies } = trainTokenizer(kind, () => docs, { vocabSize: 800 });
      const counted = new Array<number>(tokenizer.vocabSize).fill(0);
      for (const d of docs) for (const id of tokenizer.encode(d).ids) counted[id]++;
      expect(frequencies).toEqual(counted);
    }
  });

  it('is deterministic', () => {
    const a = trainTokenizer('bpe', () => docs, { vocabSize: 600 }).tokenizer.toJSON();
    const b = trainTokenizer('bpe', () => [...docs], { vocabSize: 600 }).tokenizer.toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('notes when the text runs out of pairs before the vocab size', () => {
    const { tokenizer, note } = trainTokenizer('bpe', () => ['ab ab ab'], { vocabSize: 5000 });
    expect(tokenizer.vocabSize).toBeLessThan(5000);
    expect(note).toContain('ran out of pairs');
  });

  it('rejects vocab sizes out of range with a sentence naming the size and the minimum', () => {
    const cases: [TokenizerKind, number, string][] = [
      ['bpe', 50, 'Vocab size 50 is too small for a byte-level BPE tokenizer: it needs at least 263 (256 bytes + 7 special tokens).'],
      ['char', 15, 'Vocab size 15 is too small for a character-level tokenizer: it needs at least 16'],
      ['wordpiece', 99, 'Vocab size 99 is too small for a WordPiece tokenizer: it needs at least 100'],
      ['bpe', 65537, 'Vocab size 65537 is too large for a byte-level BPE tokenizer: the most is 65536'],
      ['char', 100.5, 'Vocab size 100.5 is not a whole number'],
    ];
    for (const [kind, vocabSize, message] of cases) {
      let error: unknown;
      try {
        trainTokenizer(kind, () => FIXTURE_LINES, { vocabSize });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LabError);
      expect((error as LabError).code).toBe('invalid_input');
      expect((error as LabError).field).toBe('vocabSize');
      expect((error as LabError).message.startsWith(message)).toBe(true);
    }
  });

  it.skipIf(SHAKESPEARE === null)('trains an 8k BPE on 1 MB in seconds and encodes 1 MB in well under a few seconds', () => {
    const text = SHAKESPEARE!;
    const t0 = performance.now();
    const { tokenizer } = trainTokenizer('bpe', () => text.split('\n\n'), { vocabSize: 8000 });
    const trainMs = performance.now() - t0;
    const t1 = performance.now();
    const { ids } = tokenizer.encode(text);
    const encodeMs = performance.now() - t1;
    expect(tokenizer.vocabSize).toBe(8000);
    expect(ids.length).toBeLessThan(text.length / 3);
    // measured here: about 1.5 s and 1 s; generous bounds for a shared 2-core machine
    expect(trainMs).toBeLessThan(20_000);
    expect(encodeMs).toBeLessThan(5_000);
  });
});
