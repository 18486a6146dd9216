// Argument checks in front of the static-embedding kernels (embeddings-types.ts): buffer types and lengths, index
// ranges, options. A bad call becomes a LabError sentence instead of an out-of-bounds write in native code.
import { buf as typedBuf, dim, fail, type BufferKind } from './check-helpers';
import type { CooccurLookup, CooccurOptions, EmbeddingKernels, GloveBuffers, GloveOptions, Word2vecBuffers, Word2vecOptions } from './embeddings-types';

function num(kernel: string, name: string, v: number, min: number, strict = false): void {
  if (!Number.isFinite(v) || v < min || (strict && v === min)) {
    fail(kernel, `${name} is ${String(v)}, but it must be a finite number ${strict ? '>' : '>='} ${min}.`, name);
  }
}

/** check-helpers' buf, plus Float64Array (the co-occurrence table). */
function buf(kernel: string, name: string, v: unknown, kind: BufferKind | 'Float64Array', needed: number, formula: string): void {
  if (kind !== 'Float64Array') return typedBuf(kernel, name, v, kind, needed, formula);
  if (!(v instanceof Float64Array)) {
    const got = v === null ? 'null' : v === undefined ? 'undefined' : (v as object).constructor?.name ?? typeof v;
    fail(kernel, `${name} is a ${got}, but it must be a Float64Array.`, name);
  }
  if (v.length < needed) fail(kernel, `${name} has ${v.length} doubles, needs ${formula} = ${needed}.`, name);
}

function inRange(kernel: string, name: string, v: Int32Array, from: number, to: number, limit: number, what: string): void {
  for (let i = from; i < to; i++) {
    if (v[i] < 0 || v[i] >= limit) fail(kernel, `${name}[${i}] is ${v[i]}, outside [0, ${limit}) (${what}).`, name);
  }
}

/** Ascending offsets starting >= 0 and ending within `length`. */
function offsets(kernel: string, name: string, v: Int32Array, count: number, length: number, of: string): void {
  if (v[0] < 0) fail(kernel, `${name}[0] is ${v[0]}; offsets start at 0 or later.`, name);
  for (let i = 1; i < count; i++) {
    if (v[i] < v[i - 1]) fail(kernel, `${name}[${i}] = ${v[i]} is below ${name}[${i - 1}] = ${v[i - 1]}; offsets must not decrease.`, name);
  }
  if (v[count - 1] > length) fail(kernel, `${name}[${count - 1}] = ${v[count - 1]} points past the end of ${of} (${length}).`, name);
}

export function checkWord2vec(b: Word2vecBuffers, o: Word2vecOptions): void {
  const K = 'word2vecTrain';
  dim(K, 'V', o.V, 1); dim(K, 'D', o.D, 1); dim(K, 'window', o.window, 1); dim(K, 'negative', o.negative, 0);
  dim(K, 'parts', o.parts, 1); dim(K, 'wordsBefore', o.wordsBefore, 0); dim(K, 'wordsTotal', o.wordsTotal, 1);
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) fail(K, `seed is ${o.seed}, but it must be a uint32.`, 'seed');
  num(K, 'alpha', o.alpha, 0, true); num(K, 'minAlpha', o.minAlpha, 0);
  if (!o.hs && o.negative === 0) fail(K, 'neither hierarchical softmax nor negative sampling is on; choose hs or negative > 0.', 'negative');
  const { V, D } = o;
  buf(K, 'words', b.words, 'Int32Array', 0, '0');
  buf(K, 'starts', b.starts, 'Int32Array', 1, '1');
  offsets(K, 'starts', b.starts, b.starts.length, b.words.length, 'words');
  inRange(K, 'words', b.words, b.starts[0], b.starts[b.starts.length - 1], V, 'the vocabulary');
  if (b.keep !== null) buf(K, 'keep', b.keep, 'Float32Array', V, 'V');
  let rows = V;
  if (b.subRows !== null || b.subStarts !== null) {
    buf(K, 'subStarts', b.subStarts, 'Int32Array', V + 1, 'V + 1');
    buf(K, 'subRows', b.subRows, 'Int32Array', 0, '0');
    offsets(K, 'subStarts', b.subStarts!, V + 1, b.subRows!.length, 'subRows');
    for (let w = 0; w < V; w++) {
      if (b.subStarts![w + 1] === b.subStarts![w]) fail(K, `word ${w} has no input rows in subRows; every word needs at least its own.`, 'subStarts');
    }
    rows = Math.floor(b.syn0.length / D);
    inRange(K, 'subRows', b.subRows!, 0, b.subStarts![V], rows, 'the rows of syn0');
  }
  buf(K, 'syn0', b.syn0, 'Float32Array', rows * D, 'rows * D');
  if (o.negative > 0) {
    buf(K, 'syn1neg', b.syn1neg, 'Float32Array', V * D, 'V * D');
    buf(K, 'aliasProb', b.aliasProb, 'Float32Array', V, 'V');
    buf(K, 'alias', b.alias, 'Int32Array', V, 'V');
    inRange(K, 'alias', b.alias!, 0, V, V, 'the vocabulary');
  }
  if (o.hs) {
    if (V < 2) fail(K, 'hierarchical softmax needs at least 2 words in the vocabulary.', 'V');
    buf(K, 'syn1', b.syn1, 'Float32Array', (V - 1) * D, '(V - 1) * D');
    buf(K, 'codeStarts', b.codeStarts, 'Int32Array', V + 1, 'V + 1');
    buf(K, 'codes', b.codes, 'Uint8Array', 0, '0');
    buf(K, 'points', b.points, 'Int32Array', 0, '0');
    offsets(K, 'codeStarts', b.codeStarts!, V + 1, Math.min(b.codes!.length, b.points!.length), 'codes and points');
    inRange(K, 'points', b.points!, 0, b.codeStarts![V], V - 1, 'the inner nodes');
  }
}

export function checkGlove(kernel: string, b: GloveBuffers, o: GloveOptions, adagrad: boolean): void {
  dim(kernel, 'V', o.V, 1); dim(kernel, 'D', o.D, 1); dim(kernel, 'n', o.n, 0); dim(kernel, 'parts', o.parts, 1);
  num(kernel, 'xMax', o.xMax, 0, true); num(kernel, 'alpha', o.alpha, 0); num(kernel, 'eta', o.eta, 0, true);
  num(kernel, 'gradClip', o.gradClip, 0, true);
  const { V, D, n } = o;
  for (const name of ['w', 'wt'] as const) buf(kernel, name, b[name], 'Float32Array', V * D, 'V * D');
  for (const name of ['b', 'bt'] as const) buf(kernel, name, b[name], 'Float32Array', V, 'V');
  if (adagrad) {
    for (const name of ['gw', 'gwt'] as const) buf(kernel, name, b[name], 'Float32Array', V * D, 'V * D');
    for (const name of ['gb', 'gbt'] as const) buf(kernel, name, b[name], 'Float32Array', V, 'V');
  }
  buf(kernel, 'rows', b.rows, 'Int32Array', n, 'n');
  buf(kernel, 'cols', b.cols, 'Int32Array', n, 'n');
  buf(kernel, 'vals', b.vals, 'Float32Array', n, 'n');
  inRange(kernel, 'rows', b.rows, 0, n, V, 'the vocabulary');
  inRange(kernel, 'cols', b.cols, 0, n, V, 'the vocabulary');
  for (let r = 0; r < n; r++) {
    if (!(b.vals[r] > 0) || !Number.isFinite(b.vals[r])) fail(kernel, `vals[${r}] is ${b.vals[r]}; co-occurrence counts must be positive and finite.`, 'vals');
  }
}

export function checkCooccur(table: Float64Array, words: Int32Array, starts: Int32Array, o: CooccurOptions, lookup: CooccurLookup | null): void {
  const K = 'cooccurCount';
  dim(K, 'V', o.V, 1); dim(K, 'window', o.window, 1); dim(K, 'entries', o.entries, 0); dim(K, 'maxEntries', o.maxEntries, 1);
  if (o.V > 2 ** 26) fail(K, `V is ${o.V}; pair keys i*V+j stay exact only up to 2^26 words.`, 'V');
  checkTable(K, table);
  const capacity = table.length / 2;
  if (o.maxEntries >= capacity) fail(K, `maxEntries ${o.maxEntries} must stay below the table's ${capacity} slots.`, 'maxEntries');
  buf(K, 'words', words, 'Int32Array', 0, '0');
  buf(K, 'starts', starts, 'Int32Array', 1, '1');
  offsets(K, 'starts', starts, starts.length, words.length, 'words');
  inRange(K, 'words', words, starts[0], starts[starts.length - 1], o.V, 'the vocabulary');
  if (lookup) {
    buf(K, 'lookup.starts', lookup.starts, 'Int32Array', 1, '1');
    buf(K, 'lookup.values', lookup.values, 'Float64Array', 0, '0');
    offsets(K, 'lookup.starts', lookup.starts, lookup.starts.length, lookup.values.length, 'lookup.values');
    if (lookup.starts.length - 1 > o.V) fail(K, `lookup has ${lookup.starts.length - 1} rows, more than the ${o.V} words.`, 'lookup');
    for (let i = 0; i + 1 < lookup.starts.length; i++) {
      if (lookup.starts[i + 1] - lookup.starts[i] > o.V) fail(K, `lookup row ${i} has ${lookup.starts[i + 1] - lookup.starts[i]} columns, more than the ${o.V} words.`, 'lookup');
    }
  }
}

function checkTable(kernel: string, table: Float64Array): void {
  buf(kernel, 'table', table, 'Float64Array', 4, '2 * 2');
  const capacity = table.length / 2;
  if (!Number.isInteger(capacity) || (capacity & (capacity - 1)) !== 0 || capacity > 2 ** 30) {
    fail(kernel, `the table holds ${table.length} doubles; it needs 2 * a power-of-two number of slots (at most 2^30).`, 'table');
  }
}

/** Wraps a backend so every call is validated first. */
export function checkedEmbeddingKernels(raw: EmbeddingKernels): EmbeddingKernels {
  return {
    backend: raw.backend,
    word2vecTrain(b, o) {
      checkWord2vec(b, o);
      return raw.word2vecTrain(b, o);
    },
    gloveTrain(b, o) {
      checkGlove('gloveTrain', b, o, true);
      return raw.gloveTrain(b, o);
    },
    gloveCost(b, o) {
      checkGlove('gloveCost', b, o, false);
      return raw.gloveCost(b, o);
    },
    cooccurCount(table, words, starts, o, lookup = null) {
      checkCooccur(table, words, starts, o, lookup);
      return raw.cooccurCount(table, words, starts, o, lookup);
    },
    cooccurDrain(table) {
      checkTable('cooccurDrain', table);
      return raw.cooccurDrain(table);
    },
    cooccurRehash(from, to, V) {
      checkTable('cooccurRehash', from);
      checkTable('cooccurRehash', to);
      dim('cooccurRehash', 'V', V, 1);
      if (to.length <= from.length) fail('cooccurRehash', `the new table (${to.length / 2} slots) must be larger than the old one (${from.length / 2}).`, 'to');
      return raw.cooccurRehash(from, to, V);
    },
  };
}
