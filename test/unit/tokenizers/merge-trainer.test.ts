// learnMerges: hand-worked merge order, overlapping pairs, and agreement with a from-scratch recount on every step.
import { describe, expect, it } from 'vitest';
import { learnMerges } from '../../../main/data/tokenizers/merge-trainer';

/** Reference trainer: recounts every pair from scratch before each merge (slow, obviously right). */
function naiveMerges(words: number[][], counts: number[], symbols: string[], targetSize: number): [string, string][] {
  const ws = words.map((w) => [...w]);
  const syms = [...symbols];
  const merges: [string, string][] = [];
  while (syms.length < targetSize) {
    const pairCounts = new Map<string, { a: number; b: number; n: number }>();
    ws.forEach((w, i) => {
      for (let k = 0; k + 1 < w.length; k++) {
        const key = `${w[k]},${w[k + 1]}`;
        const e = pairCounts.get(key) ?? { a: w[k], b: w[k + 1], n: 0 };
        e.n += counts[i];
        pairCounts.set(key, e);
      }
    });
    let best: { a: number; b: number; n: number } | null = null;
    for (const e of pairCounts.values()) {
      if (!best || e.n > best.n || (e.n === best.n && (e.a < best.a || (e.a === best.a && e.b < best.b)))) best = e;
    }
    if (!best) break;
    const text = syms[best.a] + syms[best.b];
    let c = syms.indexOf(text);
    if (c < 0) c = syms.push(text) - 1;
    merges.push([syms[best.a], syms[best.b]]);
    for (let i = 0; i < ws.length; i++) {
      const out: number[] = [];
      for (let k = 0; k < ws[i].length; k++) {
        if (k + 1 < ws[i].length && ws[i][k] === best.a && ws[i][k + 1] === best.b) {
          out.push(c);
          k++;
        } else out.push(ws[i][k]);
      }
      ws[i] = out;
    }
  }
  return merges;
}

function spell(word: string, alphabet: string[]): number[] {
  return [...word].map((ch) => alphabet.indexOf(ch));
}

describe('learnMerges', () => {
  it('learns the hand-worked merges of low/lower/newest/widest in order', () => {
    const alphabet = ['d', 'e', 'i', 'l', 'n', 'o', 'r', 's', 't', 'w'];
    const corpus: [string, number][] = [['low', 5], ['lower', 2], ['newest', 6], ['widest', 3]];
    const { merges, symbols } = learnMerges({
      words: corpus.map(([w]) => spell(w, alphabet)), counts: corpus.map(([, n]) => n), symbols: alphabet, targetSize: 16, join: (a, b) => a + b,
    });
    // es and st tie at 9 (older pair wins), then est 9, lo/ow tie at 7, low 7, then ew/ne/w+est tie at 6
    expect(merges).toEqual([['e', 's'], ['es', 't'], ['l', 'o'], ['lo', 'w'], ['e', 'w'], ['n', 'ew']]);
    expect(symbols.slice(alphabet.length)).toEqual(['es', 'est', 'lo', 'low', 'ew', 'new']);
  });

  it('counts overlapping pairs once per merge ("aaaa" -> aa aa -> aaaa)', () => {
    const { merges, symbols } = learnMerges({ words: [[0, 0, 0, 0]], counts: [1], symbols: ['a'], targetSize: 10, join: (a, b) => a + b });
    expect(merges).toEqual([['a', 'a'], ['aa', 'aa']]);
    expect(symbols).toEqual(['a', 'aa', 'aaaa']);
  });

  it('agrees with a from-scratch recount on random words', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['a', 'b', 'c', 'd', 'e'];
    const words: number[][] = [];
    const counts: number[] = [];
    for (let i = 0; i < 300; i++) {
      words.push(Array.from({ length: 1 + rand(12) }, () => rand(alphabet.length)));
      counts.push(1 + rand(20));
    }
    const expected = naiveMerges(words, counts, alphabet, 80);
    const { merges } = learnMerges({ words: words.map((w) => [...w]), counts, symbols: alphabet, targetSize: 80, join: (a, b) => a + b });
    expect(merges.length).toBeGreaterThan(40);
    expect(merges).toEqual(expected);
  });
});
