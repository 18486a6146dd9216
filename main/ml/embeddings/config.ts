// Settings of a static-embedding run (Word2Vec, FastText, GloVe): defaults of the reference tools, and validation
// that names the bad field and says what to do.
import { availableParallelism } from 'node:os';
import { LabError } from '../../../common/errors';
import { DEFAULT_WORD_TOKENIZER, wordTokenizerOptions, type WordTokenizerOptions } from '../../data/words';

export type EmbeddingMethod = 'word2vec' | 'fasttext' | 'glove';
export const EMBEDDING_METHODS: readonly EmbeddingMethod[] = ['word2vec', 'fasttext', 'glove'];

interface Common {
  dim: number;
  window: number;
  minCount: number;
  /** keep at most this many words, the most frequent (0 = all) */
  maxVocab: number;
  epochs: number;
  seed: number;
  /** Hogwild workers (the kernels' thread pool) */
  threads: number;
  tokenizer: WordTokenizerOptions;
}

/** Word2Vec and FastText (gensim 4's defaults; FastText's n-gram settings as fastText's). */
export interface PredictiveConfig extends Common {
  method: 'word2vec' | 'fasttext';
  /** skip-gram (else CBOW, the default of gensim and word2vec.c) */
  sg: boolean;
  hs: boolean;
  negative: number;
  nsExponent: number;
  /** subsampling threshold of frequent words (0 = off) */
  sample: number;
  alpha: number;
  minAlpha: number;
  cbowMean: boolean;
  /** FastText only: character n-grams of minN..maxN characters hashed into `buckets` */
  minN: number;
  maxN: number;
  buckets: number;
}

/** GloVe (Pennington et al. 2014: x_max 100, alpha 3/4, AdaGrad at 0.05; window 10 with 1/d weighting). */
export interface GloveConfig extends Common {
  method: 'glove';
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
  symmetric: boolean;
  distanceWeighting: boolean;
  /** memory for counting co-occurrences before spilling sorted runs to disk, in MiB */
  memoryMB: number;
}

export type EmbeddingConfig = PredictiveConfig | GloveConfig;

function defaultThreads(): number {
  return Math.max(1, Math.min(availableParallelism(), 64));
}

export function defaultConfig(method: EmbeddingMethod): EmbeddingConfig {
  const common: Common = {
    dim: 100, window: 5, minCount: 5, maxVocab: 0, epochs: 5, seed: 1, threads: defaultThreads(),
    tokenizer: { ...DEFAULT_WORD_TOKENIZER },
  };
  if (method === 'glove') {
    return {
      ...common, method, window: 10, epochs: 25, xMax: 100, alpha: 0.75, eta: 0.05, gradClip: 100,
      symmetric: true, distanceWeighting: true, memoryMB: 1024,
    };
  }
  return {
    ...common, method, sg: false, hs: false, negative: 5, nsExponent: 0.75, sample: 1e-3, alpha: 0.025,
    minAlpha: 0.0001, cbowMean: true, minN: 3, maxN: 6, buckets: 2_000_000,
  };
}

type Check = [field: string, ok: (v: number) => boolean, rule: string];
const int = (lo: number, hi: number): Check[1] => (v) => Number.isInteger(v) && v >= lo && v <= hi;
const real = (lo: number, hi: number, openLo = false): Check[1] => (v) => Number.isFinite(v) && (openLo ? v > lo : v >= lo) && v <= hi;

const COMMON_RULES: Check[] = [
  ['dim', int(1, 4096), 'an integer from 1 to 4096'],
  ['window', int(1, 100), 'an integer from 1 to 100'],
  ['minCount', int(1, 1e9), 'an integer >= 1'],
  ['maxVocab', int(0, 1e8), 'an integer >= 0 (0 = no limit)'],
  ['epochs', int(1, 10000), 'an integer from 1 to 10000'],
  ['seed', int(0, 0xffffffff), 'an integer from 0 to 4294967295'],
  ['threads', int(1, 256), 'an integer from 1 to 256'],
];
const PREDICTIVE_RULES: Check[] = [
  ['negative', int(0, 100), 'an integer from 0 to 100'],
  ['nsExponent', real(-10, 10), 'a number from -10 to 10 (0.75 in the reference tools)'],
  ['sample', real(0, 1), 'a number from 0 to 1 (0 turns subsampling off; 1e-3 is the default)'],
  ['alpha', real(0, 10, true), 'a number above 0 (0.025 is the default)'],
  ['minAlpha', real(0, 10), 'a number >= 0'],
  ['minN', int(0, 100), 'an integer from 0 to 100'],
  ['maxN', int(0, 100), 'an integer from 0 to 100 (below minN turns n-grams off)'],
  ['buckets', int(0, 1e8), 'an integer from 0 to 100000000'],
];
const GLOVE_RULES: Check[] = [
  ['xMax', real(0, 1e9, true), 'a number above 0 (100 in the paper)'],
  ['alpha', real(0, 10), 'a number from 0 to 10 (0.75 in the paper)'],
  ['eta', real(0, 10, true), 'a number above 0 (0.05 is the default)'],
  ['gradClip', real(0, 1e9, true), 'a number above 0'],
  ['memoryMB', int(16, 1 << 20), 'an integer >= 16'],
];

/** Defaults of the method overlaid with the given settings, validated. */
export function embeddingConfig(input: Record<string, unknown> & { method?: unknown }): EmbeddingConfig {
  const method = input.method;
  if (!EMBEDDING_METHODS.includes(method as EmbeddingMethod)) {
    throw new LabError('invalid_input', `The method ${JSON.stringify(method)} is not one of ${EMBEDDING_METHODS.join(', ')}.`, { field: 'method' });
  }
  const base = defaultConfig(method as EmbeddingMethod) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(input)) {
    if (v === undefined || k === 'method') continue;
    if (!(k in base)) {
      throw new LabError('invalid_input', `${k} is not a setting of ${String(method)} (its settings: ${Object.keys(base).filter((x) => x !== 'method').join(', ')}).`, { field: k });
    }
    out[k] = v;
  }
  out.tokenizer = wordTokenizerOptions(input.tokenizer as Record<string, unknown> | undefined);
  const rules = [...COMMON_RULES, ...(method === 'glove' ? GLOVE_RULES : PREDICTIVE_RULES)];
  for (const [field, ok, rule] of rules) {
    const v = out[field];
    if (typeof v !== 'number' || !ok(v)) {
      throw new LabError('invalid_input', `${field} is ${JSON.stringify(v)}, but it must be ${rule}.`, { field });
    }
  }
  for (const field of method === 'glove' ? ['symmetric', 'distanceWeighting'] : ['sg', 'hs', 'cbowMean']) {
    if (typeof out[field] !== 'boolean') {
      throw new LabError('invalid_input', `${field} must be true or false, not ${JSON.stringify(out[field])}.`, { field });
    }
  }
  if (method !== 'glove' && out.negative === 0 && out.hs === false) {
    throw new LabError('invalid_input', 'negative is 0 and hierarchical softmax is off, so nothing would be trained; set negative > 0 (5 is the default) or turn on hs.', { field: 'negative' });
  }
  if (method !== 'glove' && (out.minAlpha as number) > (out.alpha as number)) {
    throw new LabError('invalid_input', `minAlpha ${String(out.minAlpha)} is above alpha ${String(out.alpha)}; the learning rate only falls, so choose minAlpha <= alpha.`, { field: 'minAlpha' });
  }
  return out as unknown as EmbeddingConfig;
}
