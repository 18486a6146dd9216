// BLEU and chrF against the values sacrebleu publishes in its own test suite (github.com/mjpost/sacrebleu, test/
// test_bleu.py, test_sentence_bleu.py, test_chrf.py, sacrebleu 2.x): corpus BLEU with several tokenizers, smoothing
// methods and n-gram orders, sufficient statistics, degenerate cases; chrF with and without epsilon smoothing, with
// whitespace kept, and sentence-level chrF.
import { describe, expect, it } from 'vitest';
import { computeBleu, corpusBleu, sentenceBleu, tokenize13a, type BleuOptions } from '../../../main/ml/seq2seq/metrics/bleu';
import { corpusChrf, sentenceChrf } from '../../../main/ml/seq2seq/metrics/chrf';

const HYPS = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];
const REFS = [
  ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
  ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
];

/** sacrebleu.raw_corpus_bleu: no tokenization, floor smoothing, effective order. */
const raw = (smoothValue = 0.1): BleuOptions => ({ tokenize: 'none', smooth: 'floor', smoothValue, effectiveOrder: true });

describe('BLEU matches sacrebleu', () => {
  it.each([
    [HYPS, {}, 48.530827],
    [['', '', ''], {}, 0.0],
    [HYPS, { tokenize: 'none' }, 49.1919566],
    [HYPS, { tokenize: '13a' }, 48.530827],
    [HYPS, { smooth: 'none' }, 48.530827],
  ] as const)('corpus BLEU %#', (hyps, options, expected) => {
    expect(Math.abs(corpusBleu(hyps, REFS, options as BleuOptions).score - expected)).toBeLessThan(1e-6);
  });

  it.each([[1, '77.65'], [2, '60.50'], [3, '53.93'], [4, '48.53'], [5, '46.14'], [6, '43.28']])('max n-gram order %i', (order, expected) => {
    expect(corpusBleu(HYPS, REFS, { maxOrder: order }).score.toFixed(2)).toBe(expected);
  });

  it.each([
    [['this is a test', 'another test'], [['ref1', 'ref2']], 0.0],
    [['this is a test'], [['this is a test']], 1.0],
    [['this is a fest'], [['this is a test']], 0.223606797749979],
    [['test'], [['a test']], 0.3678794411714425],
    [['a test'], [['a test']], 1.0],
    [['a little test'], [['a test']], 0.03218297948685433],
  ])('raw corpus BLEU of %j', (hyps, refs, expected) => {
    expect(Math.abs(corpusBleu(hyps, refs, raw(0.01)).score / 100 - expected)).toBeLessThan(1e-8);
  });

  it('floor smoothing offset: 0 without, 0.1 by default', () => {
    const hyps = ['am I am a character sequence'], refs = [['I am a symbol string sequence a a']];
    expect(corpusBleu(hyps, refs, raw(0)).score).toBe(0);
    expect(Math.abs(corpusBleu(hyps, refs, raw()).score / 100 - 0.1555722182)).toBeLessThan(1e-8);
    const s = corpusBleu(hyps, refs, raw(0.01));
    expect([s.counts, s.totals]).toEqual([[4, 2, 1, 0], [6, 5, 4, 3]]);
  });

  it('scores sufficient statistics, degenerate ones to exactly 0', () => {
    expect(Math.abs(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100 - 0.8375922397)).toBeLessThan(1e-8);
    for (const [c, t, sys, ref, off] of [
      [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0.0], [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0.0], [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.0],
      [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0.0], [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1], [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
    ] as const) {
      expect(computeBleu([...c], [...t], sys, ref, 'floor', off).score).toBe(0);
    }
  });

  // sacrebleu issue #98's sentence, every smoothing method and three tokenizers (test_sentence_bleu.py)
  const REF = 'producţia de zahăr brut se exprimă în zahăr alb;';
  const SYS = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
  it.each([
    ['exp', undefined, false, '13a', 8.493], ['none', undefined, false, '13a', 0.0], ['floor', undefined, false, '13a', 4.51688],
    ['floor', 0.1, false, '13a', 4.51688], ['floor', 0.5, false, '13a', 10.10], ['add-k', undefined, false, '13a', 14.882],
    ['add-k', 1, false, '13a', 14.882], ['add-k', 2, false, '13a', 21.389], ['exp', undefined, false, 'none', 7.347],
    ['exp', undefined, false, 'char', 40.8759], ['exp', undefined, true, 'char', 42.0267],
  ] as const)('sentence BLEU, smoothing %s %s, lowercase %s, tokenizer %s', (smooth, smoothValue, lowercase, tokenize, expected) => {
    const s = sentenceBleu(SYS, [REF], { smooth, smoothValue, lowercase, tokenize });
    expect(Math.abs(s.score - expected)).toBeLessThan(1e-3);
  });

  it('a sentence without any matching n-gram scores 0 under every smoothing', () => {
    for (const smooth of ['exp', 'none', 'floor', 'add-k'] as const) expect(sentenceBleu('this is a cat', ['okay thanks'], { smooth }).score).toBe(0);
  });

  it('13a splits symbols (not the apostrophe), keeps decimals, splits a dash after a digit (checked with Python re)', () => {
    expect(tokenize13a('It wasn\'t 3.5, "no"—1958-08-29.')).toBe('It wasn\'t 3.5 , " no " —1958 - 08 - 29 .');
  });
});

describe('chrF matches sacrebleu', () => {
  const eps = { charOrder: 6, wordOrder: 0, beta: 3, epsSmoothing: true };
  it.each([
    [['abcdefg'], ['hijklmnop'], 0.0], [['a'], ['b'], 0.0], [[''], ['b'], 0.0], [[''], ['ref'], 0.0], [[''], ['reference'], 0.0],
    [['aa'], ['ab'], 8.3333], [['a', 'b'], ['a', 'c'], 8.3333], [['a'], ['a'], 16.6667], [['a b c'], ['a b c'], 50.0],
    [['a b c'], ['abc'], 50.0],
    [[' risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .'],
      ['risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .'], 63.361730],
    [[' Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. '],
      ['Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.'], 64.1302698],
    [['Niemand hat die Absicht, eine Mauer zu errichten'], ['Niemand hat die Absicht, eine Mauer zu errichten'], 100.0],
  ])('epsilon smoothing: %j vs %j', (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], eps) - expected)).toBeLessThan(1e-4);
  });

  it.each([
    [['a'], ['a'], 100.0], [[''], ['reference'], 0.0], [['a b c'], ['a b c'], 100.0], [['a b c'], ['abc'], 100.0], [[''], ['c'], 0.0],
    [['a', 'b'], ['a', 'c'], 50.0], [['aa'], ['ab'], 25.0],
  ])('effective order: %j vs %j', (hyps, refs, expected) => {
    expect(Math.abs(corpusChrf(hyps, [refs], { ...eps, epsSmoothing: false }) - expected)).toBeLessThan(1e-4);
  });

  it.each([
    ['Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.', 'Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.', 67.3481606],
    ['risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .', 'risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .', 65.2414427],
  ])('whitespace kept: %s', (hyp, ref, expected) => {
    expect(Math.abs(corpusChrf([hyp], [[ref]], { charOrder: 6, wordOrder: 0, beta: 3, whitespace: true }) - expected)).toBeLessThan(1e-4);
  });

  it.each([
    ['Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.', 'Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.', 39.14078509],
    ['Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.', 'A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.', 31.22557079],
    ['Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.', 'Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.', 57.15704367],
  ])('sentence chrF (defaults, epsilon smoothing): %s', (hyp, ref, expected) => {
    expect(Math.abs(sentenceChrf(hyp, [ref], { epsSmoothing: true }) - expected)).toBeLessThan(1e-4);
  });
});
