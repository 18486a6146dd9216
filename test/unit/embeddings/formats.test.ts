// Word vectors through other tools' formats and back (word2vec text and binary, the TensorFlow projector's TSV pair),
// the files gensim writes read as they are, and every bad file named by its line with the reason; saved vectors
// reload with their vocabulary and n-gram rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportProjector, exportW2vBin, exportW2vText, importProjector, importW2vBin, importW2vText } from '../../../main/ml/embeddings/formats';
import { loadWordVectors, saveWordVectors, WordVectors } from '../../../main/ml/embeddings/store';
import { rng } from '../kernels/helpers';

const dir = mkdtempSync(join(tmpdir(), 'emb-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const r = rng(5);
const WORDS = ['the', 'king', "o'er", '北京', 'café'];
const D = 7;
const wv = new WordVectors('word2vec', WORDS, [50, 9, 4, 3, 2], D, Float32Array.from({ length: WORDS.length * D }, () => (r() - 0.5) * 3));
const p = (name: string): string => join(dir, name);

describe('round trips', () => {
  it('word2vec text, word2vec binary and the projector pair give back the same words and float32 values', () => {
    exportW2vText(wv, p('v.txt'));
    exportW2vBin(wv, p('v.bin'));
    exportProjector(wv, p('vectors.tsv'), p('metadata.tsv'));
    expect(readFileSync(p('v.txt'), 'utf8').split('\n')[0]).toBe('5 7');
    expect(readFileSync(p('metadata.tsv'), 'utf8').split('\n').slice(0, 2)).toEqual(['word\tcount', 'the\t50']);
    for (const back of [importW2vText(p('v.txt')), importW2vBin(p('v.bin')), importProjector(p('vectors.tsv'), p('metadata.tsv'))]) {
      expect(back.words).toEqual(WORDS);
      expect(Array.from(back.vectors)).toEqual(Array.from(wv.vectors));
    }
    expect(importProjector(p('vectors.tsv'), p('metadata.tsv')).counts).toEqual([50, 9, 4, 3, 2]);
    expect(importProjector(p('vectors.tsv'), null).words).toEqual(['0', '1', '2', '3', '4']);
  });

  it('reads the text and binary files gensim writes', () => {
    const script = `
from gensim.models import KeyedVectors
import numpy as np
kv = KeyedVectors(vector_size=4)
kv.add_vectors(['alpha', 'beta', 'gamma'], np.arange(12, dtype=np.float32).reshape(3, 4) / 8 - 0.5)
kv.save_word2vec_format('${p('g.txt')}', binary=False)
kv.save_word2vec_format('${p('g.bin')}', binary=True)`;
    execFileSync('/usr/bin/python3', ['-c', script]);
    for (const back of [importW2vText(p('g.txt')), importW2vBin(p('g.bin'))]) {
      expect(back.words).toEqual(['alpha', 'beta', 'gamma']);
      expect(Array.from(back.row(2))).toEqual([0.5, 0.625, 0.75, 0.875]);
    }
  });

  it('saved vectors reload with counts, settings and FastText n-gram rows', () => {
    const sub = { minN: 3, maxN: 4, buckets: 100, usedBuckets: Int32Array.of(3, 40, 77), rows: Float32Array.from({ length: 3 * D }, (_, i) => i / 10) };
    const ft = new WordVectors('fasttext', WORDS, [5, 4, 3, 2, 1], D, wv.vectors, sub, { dim: D }, { note: 'x' });
    saveWordVectors(p('saved'), ft);
    const back = loadWordVectors(p('saved'));
    expect(back.method).toBe('fasttext');
    expect(back.counts).toEqual([5, 4, 3, 2, 1]);
    expect(Array.from(back.subwords!.usedBuckets)).toEqual([3, 40, 77]);
    expect(Array.from(back.subwords!.rows)).toEqual(Array.from(sub.rows));
    expect(back.config).toEqual({ dim: D });
    expect(back.toVectorSet({ kind: 'fasttext', runId: 3, checkpoint: 'final' }, 'FastText', 2)).toMatchObject({
      key: 'run:3@final', labels: ['the', 'king'], dim: D, columns: { count: [5, 4], rank: [0, 1] },
    });
  });
});

describe('bad files name the line and the problem', () => {
  const write = (name: string, text: string): string => {
    writeFileSync(p(name), text);
    return p(name);
  };

  it('word2vec text: wrong header, ragged row, NaN, garbage, repeated word, header count', () => {
    expect(() => importW2vText(write('h.txt', '3 4 5\nthe 1 2 3 4\n'))).toThrow('h.txt: line 1: the header "3 4 5" should be two numbers, "<words> <dimension>" (e.g. "3000 100").');
    expect(() => importW2vText(write('r.txt', '2 3\nthe 1 2 3\nking 1 2\n'))).toThrow('r.txt: line 3: "king" has 2 values, but the header says 3; every row needs exactly 3.');
    expect(() => importW2vText(write('n.txt', 'the 1 2 3\nking 1 NaN 3\n'))).toThrow('n.txt: line 2: value 2 of "king" is NaN; vectors must be finite (no NaN or Inf). Fix or drop that row.');
    expect(() => importW2vText(write('i.txt', 'the 1 2 inf\n'))).toThrow(/line 1: value 3 of "the" is inf; vectors must be finite/);
    expect(() => importW2vText(write('g.txt', 'the 1 2 x3\n'))).toThrow('g.txt: line 1: value 3 of "the" is "x3", not a number.');
    expect(() => importW2vText(write('d.txt', 'the 1 2\nking 3 4\nthe 5 6\n'))).toThrow('d.txt: line 3 repeats the word "the" first given on line 1; each word may appear once.');
    expect(() => importW2vText(write('c.txt', '3 2\nthe 1 2\nking 3 4\n'))).toThrow('c.txt: the header announces 3 words but the file holds 2; fix the first line to "2 2" if the rows are complete.');
    expect(() => importW2vText(write('e.txt', ''))).toThrow(/holds no vectors/);
  });

  it('word2vec binary: not binary, truncated, NaN, trailing bytes', () => {
    exportW2vBin(wv, p('ok.bin'));
    const bytes = readFileSync(p('ok.bin'));
    expect(() => importW2vBin(write('t.bin', 'hello world'))).toThrow(/t\.bin: the first line should be the header "<words> <dimension>"/);
    writeFileSync(p('cut.bin'), bytes.subarray(0, bytes.length - 20));
    expect(() => importW2vBin(p('cut.bin'))).toThrow(/cut\.bin: the file ends inside the vector of word 5 of 5 \("café"\)/);
    const nan = Buffer.from(bytes);
    nan.writeFloatLE(NaN, '5 7\nthe '.length + 4);
    writeFileSync(p('nan.bin'), nan);
    expect(() => importW2vBin(p('nan.bin'))).toThrow('nan.bin: word 1 ("the"): value 2 is NaN; vectors must be finite (no NaN or Inf).');
    writeFileSync(p('long.bin'), Buffer.concat([bytes, Buffer.from('extra 1234')]));
    expect(() => importW2vBin(p('long.bin'))).toThrow(/long\.bin: 10 bytes follow the 5 words the header announces/);
  });

  it('projector TSV: ragged row, label count', () => {
    expect(() => importProjector(write('rag.tsv', '1\t2\t3\n4\t5\n'), null)).toThrow('rag.tsv: line 2 has 2 values, but line 1 has 3; every row needs exactly 3 tab-separated values.');
    write('two.tsv', '1\t2\n3\t4\n5\t6\n');
    expect(() => importProjector(p('two.tsv'), write('meta.tsv', 'a\nb\n'))).toThrow(/meta\.tsv: it has 2 labels but two\.tsv has more rows/);
    expect(() => importProjector(write('one.tsv', '1\t2\n'), write('meta2.tsv', 'a\nb\n'))).toThrow('meta2.tsv: it has 2 labels but one.tsv has 1 vectors; give exactly one label per vector.');
  });

  it('a damaged saved folder says which file is wrong', () => {
    saveWordVectors(p('pair'), wv);
    writeFileSync(join(p('pair'), 'vocab.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(p('pair'), 'vocab.json'), 'utf8')), words: ['a', 'b'] }));
    expect(() => loadWordVectors(p('pair'))).toThrow(/has no tensor "vectors" of shape \[2, 7\] to match vocab\.json/);
  });
});
