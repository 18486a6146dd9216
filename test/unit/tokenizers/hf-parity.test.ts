// Parity with Hugging Face's tokenizers library: our tokenizer.json files give the same ids there as here, and back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BPE, Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, byteLevelPreTokenizer } from 'tokenizers';
import { loadTokenizer, trainTokenizer, type TextTokenizer } from '../../../main/data/tokenizers/index';
import { type TokenizerKind } from '../../../common/tokenizers';
import { EDGE_TEXTS, FIXTURE, FIXTURE_LINES, SHAKESPEARE, heldOutSlices, trainingDocs } from './corpus';

const TEXTS = [FIXTURE, ...FIXTURE_LINES, ...EDGE_TEXTS, ...heldOutSlices()];

async function expectSameIds(ours: TextTokenizer, theirs: Tokenizer, texts: string[]): Promise<number> {
  let compared = 0;
  for (const text of texts) {
    const encoding = await theirs.encode(text);
    const mine = ours.encode(text);
    expect({ text: text.slice(0, 60), ids: Array.from(mine.ids) }).toEqual({ text: text.slice(0, 60), ids: encoding.getIds() });
    expect(mine.tokens).toEqual(encoding.getTokens());
    compared += mine.ids.length;
  }
  return compared;
}

const cases: { kind: TokenizerKind; vocabSize: number; lowercase: boolean }[] = [
  { kind: 'char', vocabSize: 120, lowercase: false },
  { kind: 'char', vocabSize: 60, lowercase: true },
  { kind: 'bpe', vocabSize: 2000, lowercase: false },
  { kind: 'bpe', vocabSize: 700, lowercase: true },
  { kind: 'wordpiece', vocabSize: 2000, lowercase: false },
  { kind: 'wordpiece', vocabSize: 1200, lowercase: true },
];

describe('tokenizer.json trained here, encoded by the Hugging Face library', () => {
  const docs = trainingDocs();
  for (const c of cases) {
    it(`${c.kind} (vocab ${c.vocabSize}${c.lowercase ? ', lowercase' : ''}) gives identical ids and tokens`, async () => {
      const { tokenizer } = trainTokenizer(c.kind, () => docs, { vocabSize: c.vocabSize, lowercase: c.lowercase });
      const theirs = Tokenizer.fromString(JSON.stringify(tokenizer.toJSON()));
      expect(theirs.getVocabSize(true)).toBe(tokenizer.vocabSize);
      const compared = await expectSameIds(tokenizer, theirs, TEXTS);
      // with Shakespeare present, well over 100k tokens are compared per case
      expect(compared).toBeGreaterThan(SHAKESPEARE === null ? 500 : 50_000);
    });
  }

  it('survives a save/load round trip unchanged', () => {
    const docs2 = trainingDocs();
    for (const kind of ['char', 'bpe', 'wordpiece'] as const) {
      const { tokenizer } = trainTokenizer(kind, () => docs2, { vocabSize: 400, lowercase: kind === 'wordpiece' });
      const again = loadTokenizer(JSON.stringify(tokenizer.toJSON()));
      expect(again.kind).toBe(kind);
      expect(again.vocabSize).toBe(tokenizer.vocabSize);
      expect(again.lowercase).toBe(kind === 'wordpiece');
      expect(again.toJSON()).toEqual(tokenizer.toJSON());
      for (const text of [FIXTURE, ...EDGE_TEXTS]) expect(again.encode(text)).toEqual(tokenizer.encode(text));
    }
  });
});

describe('tokenizer.json trained by the Hugging Face library, encoded here', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hf-tok-'));
  const corpus = path.join(dir, 'corpus.txt');
  writeFileSync(corpus, trainingDocs().join('\n\n'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('byte-level BPE (merges as pairs, no [UNK], partial byte alphabet) gives identical ids', async () => {
    const theirs = new Tokenizer(BPE.empty());
    theirs.setPreTokenizer(byteLevelPreTokenizer(false, true));
    theirs.train([corpus]);
    const file = path.join(dir, 'bpe.json');
    theirs.save(file);
    const ours = loadTokenizer(readFileSync(file, 'utf8'));
    expect(ours.kind).toBe('bpe');
    expect(ours.vocabSize).toBe(theirs.getVocabSize(true));
    // characters never seen in training have no byte tokens here: both sides drop them
    await expectSameIds(ours, Tokenizer.fromFile(file), TEXTS);
  });

  it('WordPiece with BERT normalizer (strip_accents null follows lowercase) gives identical ids', async () => {
    const theirs = new Tokenizer(WordPiece.empty());
    theirs.setNormalizer(bertNormalizer({ lowercase: true }));
    theirs.setPreTokenizer(bertPreTokenizer());
    theirs.train([corpus]);
    const file = path.join(dir, 'wordpiece.json');
    theirs.save(file);
    const ours = loadTokenizer(readFileSync(file, 'utf8'));
    expect(ours.kind).toBe('wordpiece');
    expect(ours.lowercase).toBe(true);
    // this file's [UNK] is not in its vocabulary, so only text made of seen characters can be encoded on either side
    // (held-out prose can hold a character the training text lacks: those are dropped from it)
    const trained = new Set(readFileSync(corpus, 'utf8'));
    const heldOut = heldOutSlices().map((t) => [...t].filter((ch) => trained.has(ch)).join(''));
    const seen = [FIXTURE, ...FIXTURE_LINES, ...heldOut, 'NAÏVE Café, résumé — Ångström!'];
    await expectSameIds(ours, Tokenizer.fromFile(file), seen);
  });
});
