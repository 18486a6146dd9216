// BERT masking: 15% of real tokens chosen, of those 80% [MASK] / 10% random / 10% kept; padding and specials never.
import { describe, expect, it } from 'vitest';
import { maskTokens } from '../../../main/ml/masking';
import { IGNORE_INDEX } from '../../../main/ml/model';
import { Rng } from '../../../main/ml/rng';

const MASK = 1;
const CLS = 2;
const PAD = 0;
const V = 1000;

function corpus(n: number): Int32Array {
  const r = new Rng(99);
  return Int32Array.from({ length: n }, () => 3 + r.int(V - 3));
}

describe('maskTokens', () => {
  it('chooses 15% and splits them 80/10/10', () => {
    const tokens = corpus(200_000);
    const { inputs, targets } = maskTokens(tokens, new Rng(7), { maskId: MASK, vocabSize: V, specialIds: [CLS, PAD] });
    let chosen = 0;
    let masked = 0;
    let kept = 0;
    let random = 0;
    let wrong = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (targets[i] === IGNORE_INDEX) {
        if (inputs[i] !== tokens[i]) wrong++;
        continue;
      }
      chosen++;
      if (targets[i] !== tokens[i]) wrong++;
      if (inputs[i] === MASK) masked++;
      else if (inputs[i] === tokens[i]) kept++;
      else random++;
    }
    expect(wrong).toBe(0);
    expect(chosen / tokens.length).toBeCloseTo(0.15, 2);
    expect(masked / chosen).toBeCloseTo(0.8, 1.5);
    // a random replacement can hit the original id (1 in ~1000), so "kept" is 10% plus a hair
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(random / chosen - 0.1)).toBeLessThan(0.01);
  });

  it('never chooses padding or special tokens and never draws a special id as the random replacement', () => {
    const tokens = corpus(20_000);
    for (let i = 0; i < tokens.length; i += 10) tokens[i] = CLS;
    const keyMask = new Uint8Array(tokens.length).fill(1);
    keyMask.fill(0, 10_000);
    const { inputs, targets } = maskTokens(tokens, new Rng(3), { maskId: MASK, vocabSize: V, specialIds: [CLS, PAD] }, keyMask);
    for (let i = 0; i < tokens.length; i++) {
      if (i >= 10_000 || tokens[i] === CLS) expect(targets[i]).toBe(IGNORE_INDEX);
      if (targets[i] !== IGNORE_INDEX && inputs[i] !== MASK) expect([CLS, PAD]).not.toContain(inputs[i]);
    }
  });

  it('is reproducible from the seed and always masks at least one real token', () => {
    const tokens = corpus(40);
    const a = maskTokens(tokens, new Rng(11), { maskId: MASK, vocabSize: V });
    const b = maskTokens(tokens, new Rng(11), { maskId: MASK, vocabSize: V });
    expect(Array.from(a.inputs)).toEqual(Array.from(b.inputs));
    expect(Array.from(a.targets)).toEqual(Array.from(b.targets));
    const one = maskTokens(Int32Array.from([5]), new Rng(1), { maskId: MASK, vocabSize: V });
    expect(one.targets[0]).toBe(5);
  });

  it('refuses a [MASK] id outside the vocabulary', () => {
    expect(() => maskTokens(corpus(5), new Rng(1), { maskId: V, vocabSize: V })).toThrow(/\[MASK\] id 1000 is outside the vocabulary of 1000/);
  });
});
