// Neighbours and analogies of words in a WordVectors, with the errors a person can act on: a word the vocabulary
// lacks is named with its nearest spellings (FastText instead builds its vector from character n-grams).
import { LabError } from '../../../common/errors';
import type { Neighbor } from '../../../common/embeddings/vector-set';
import { analogyQuery, nearest, nearestSpelling, unitRows } from './similarity';
import type { WordVectors } from './store';

export interface WordQueryResult {
  word: string;
  /** false when the vector was built from n-grams (FastText, a word not seen in training) */
  inVocabulary: boolean;
  neighbors: Neighbor[];
}

const unitCache = new WeakMap<WordVectors, Float32Array>();

function unitOf(wv: WordVectors): Float32Array {
  let u = unitCache.get(wv);
  if (u === undefined) {
    u = unitRows({ labels: wv.words, dim: wv.dim, vectors: wv.vectors });
    unitCache.set(wv, u);
  }
  return u;
}

/** The vector of `word` or a LabError('not_found') sentence with spelling suggestions; `what` names the vectors. */
export function wordVector(wv: WordVectors, word: string, what: string, field = 'word'): { vector: Float32Array; inVocabulary: boolean } {
  const i = wv.index.get(word);
  if (i !== undefined) return { vector: wv.row(i), inVocabulary: true };
  const built = wv.vectorOf(word);
  if (built !== null) return { vector: built, inVocabulary: false };
  const near = nearestSpelling(wv.words, word);
  const hint = near.length > 0 ? `; the nearest spellings in it are ${near.map((w) => `"${w}"`).join(', ')}` : '';
  const why = wv.subwords ? ` (and none of its character n-grams was seen in training)` : '';
  throw new LabError('not_found', `"${word}" is not in the vocabulary of ${what} (${wv.size.toLocaleString('en-US')} words)${why}${hint}.`, { field, details: { suggestions: near } });
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > 1000) {
    throw new LabError('invalid_input', `k is ${k}, but it must be an integer from 1 to 1000.`, { field: 'k' });
  }
}

export function neighborsOf(wv: WordVectors, word: string, k: number, what: string): WordQueryResult {
  checkK(k);
  const { vector, inVocabulary } = wordVector(wv, word, what);
  const self = wv.index.get(word);
  const neighbors = nearest({ labels: wv.words, dim: wv.dim, vectors: wv.vectors }, unitOf(wv), vector, k,
    new Set(self === undefined ? [] : [self]));
  return { word, inVocabulary, neighbors };
}

export interface AnalogyResult {
  a: string;
  b: string;
  c: string;
  neighbors: Neighbor[];
}

/** Words nearest to a − b + c (king − man + woman ≈ queen), a, b and c excluded. */
export function analogyOf(wv: WordVectors, a: string, b: string, c: string, k: number, what: string): AnalogyResult {
  checkK(k);
  const va = wordVector(wv, a, what, 'a').vector;
  const vb = wordVector(wv, b, what, 'b').vector;
  const vc = wordVector(wv, c, what, 'c').vector;
  const exclude = new Set([a, b, c].map((w) => wv.index.get(w)).filter((i): i is number => i !== undefined));
  const neighbors = nearest({ labels: wv.words, dim: wv.dim, vectors: wv.vectors }, unitOf(wv), analogyQuery(va, vb, vc), k, exclude);
  return { a, b, c, neighbors };
}
