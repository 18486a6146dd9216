// A seq2seq side cut by a lab tokenizer (main/ml/seq2seq/side-vocab.ts): the model's ids are the tokenizer's pieces seen
// in training after the four specials, decoding gives the tokenizer's own text back, the JSON form rebuilds it, and
// the [UNK] count names the pieces a tokenizer cannot encode. Tokenizers trained here on a few lines (milliseconds).
import { describe, expect, it } from 'vitest';
import { trainTokenizer } from '../../../main/data/tokenizers/index';
import { buildSideVocab, countUnknown, LabSideVocab, sideVocabFromJSON } from '../../../main/ml/seq2seq/side-vocab';
import { EOS, PairVocab, UNK } from '../../../main/ml/seq2seq/vocab';

const TEXTS = ['the 29th of August 1958', 'the 3rd of May 2001', 'August 4, 1999', 'the 1st of June 1958'];

describe('a seq2seq side cut by a lab tokenizer', () => {
  it('numbers the pieces seen in training after the specials and decodes with the tokenizer', () => {
    const { tokenizer } = trainTokenizer('bpe', () => TEXTS, { vocabSize: 300 });
    const side = buildSideVocab(TEXTS, { tokenizer: { name: 'dates-bpe', json: tokenizer.toJSON() } }) as LabSideVocab;
    const distinct = new Set(TEXTS.flatMap((t) => Array.from(tokenizer.encode(t).ids)));
    expect(side.vocabSize).toBe(4 + distinct.size);
    expect(side.vocabSize).toBeLessThan(tokenizer.vocabSize);
    const ids = side.encode('the 29th of August 1958');
    expect(ids).toHaveLength(tokenizer.encode('the 29th of August 1958').ids.length);
    expect(ids.every((id) => id >= 4)).toBe(true);
    // byte-level BPE gives its text back exactly; decoding stops at [EOS]
    expect(side.decode([...ids, EOS, ids[0]])).toBe('the 29th of August 1958');
    // a piece never seen in training is [UNK]; a byte-level BPE has no [UNK] of its own, so the text says it
    expect(side.encode('zz')).toEqual([UNK, UNK]); // two bytes, neither in the training texts
    expect(side.decode([ids[0], UNK])).toBe('the[UNK]');
    // axis labels read as text, not as byte-level symbols
    expect(side.token(ids[1])).not.toContain('Ġ');
    const back = sideVocabFromJSON(JSON.parse(JSON.stringify(side.toJSON())));
    expect(back).toBeInstanceOf(LabSideVocab);
    expect(back.encode('August 4, 1999')).toEqual(side.encode('August 4, 1999'));
    expect(back.vocabSize).toBe(side.vocabSize);
  });

  it('keeps characters and words as PairVocab, and reads their JSON back', () => {
    const words = buildSideVocab(TEXTS, 'words');
    expect(words).toBeInstanceOf(PairVocab);
    expect(sideVocabFromJSON(words.toJSON()).encode('the 3rd')).toEqual(words.encode('the 3rd'));
  });

  it('counts the pieces a tokenizer cannot encode, with the text they stood for', () => {
    const { tokenizer } = trainTokenizer('char', () => TEXTS, { vocabSize: 60 });
    const c = countUnknown(tokenizer, ['1958年8月29日', 'the 3rd']);
    expect(c).toEqual({ tokens: 10 + 7, unknown: 3, examples: ['年', '月', '日'] });
    const wp = trainTokenizer('wordpiece', () => TEXTS, { vocabSize: 100 }).tokenizer;
    const side = buildSideVocab(TEXTS, { tokenizer: { name: 'dates-wp', json: wp.toJSON() } });
    // WordPiece has its own [UNK]: the model's [UNK] decodes through it
    expect(side.decode([...side.encode('the 3rd of'), UNK])).toBe('the 3rd of [UNK]');
  });
});
