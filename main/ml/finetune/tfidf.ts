// TF-IDF features with scikit-learn's TfidfVectorizer definitions (lowercase; word analyzer with token pattern
// \b\w\w+\b and n-grams, or char_wb n-grams padded with spaces per word; idf = ln((1 + n) / (1 + df)) + 1; rows
// L2-normalised), as sparse rows. Checked against sklearn in test/integration/finetune-sklearn.test.ts.
import { LabError } from '../../../common/errors';

export interface TfidfOptions {
  analyzer: 'word' | 'char_wb';
  /** n-gram lengths, inclusive (word default [1, 1]; char_wb e.g. [1, 3]) */
  ngram: [number, number];
  /** drop terms seen in fewer documents (default 1) */
  minDf?: number;
  /** keep the most frequent terms only (by corpus count, ties by term), as sklearn's max_features; 0 = all */
  maxFeatures?: number;
  sublinearTf?: boolean;
}

/** Compressed sparse rows: row i's entries are indices/values[indptr[i] .. indptr[i+1]). */
export interface SparseRows {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
}

// \w as Python's re with Unicode strings: letters, numbers and underscore (combining marks are not word characters)
const WORD = /[\p{L}\p{N}_]{2,}/gu;
const SPACES = /\s+/gu;

/** The analyzer's terms of one document, in order (repeats kept). */
export function analyze(text: string, o: Pick<TfidfOptions, 'analyzer' | 'ngram'>): string[] {
  const [lo, hi] = o.ngram;
  const lower = text.toLowerCase();
  const out: string[] = [];
  if (o.analyzer === 'word') {
    const tokens = lower.match(WORD) ?? [];
    for (let n = lo; n <= hi; n++) {
      for (let i = 0; i + n <= tokens.length; i++) out.push(n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' '));
    }
    return out;
  }
  // char_wb: each whitespace-separated word padded with one space either side; a word shorter than n counts once
  for (const word of lower.replace(SPACES, ' ').split(' ').filter((w) => w !== '')) {
    const w = Array.from(` ${word} `);
    for (let n = lo; n <= hi; n++) {
      let offset = 0;
      out.push(w.slice(offset, offset + n).join(''));
      while (offset + n < w.length) {
        offset++;
        out.push(w.slice(offset, offset + n).join(''));
      }
      if (offset === 0) break;
    }
  }
  return out;
}

export class TfidfVectorizer {
  /** term -> column, columns in sorted term order (as sklearn's vocabulary_) */
  vocabulary = new Map<string, number>();
  idf = new Float64Array(0);

  constructor(readonly options: TfidfOptions) {
    const [lo, hi] = options.ngram;
    if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi >= lo)) {
      throw new LabError('invalid_input', `The n-gram range [${lo}, ${hi}] must be whole numbers with 1 <= low <= high.`, { field: 'ngram' });
    }
  }

  fit(texts: readonly string[]): this {
    const df = new Map<string, number>();
    const total = new Map<string, number>();
    for (const t of texts) {
      const terms = analyze(t, this.options);
      for (const term of terms) total.set(term, (total.get(term) ?? 0) + 1);
      for (const term of new Set(terms)) df.set(term, (df.get(term) ?? 0) + 1);
    }
    const minDf = this.options.minDf ?? 1;
    let kept = [...df.keys()].filter((term) => (df.get(term) as number) >= minDf);
    const max = this.options.maxFeatures ?? 0;
    if (max > 0 && kept.length > max) {
      kept.sort((a, b) => (total.get(b) as number) - (total.get(a) as number) || (a < b ? -1 : a > b ? 1 : 0));
      kept = kept.slice(0, max);
    }
    if (kept.length === 0) {
      throw new LabError('invalid_input', 'The training texts give no terms to count (every text is empty or has no word of two letters or more); use the character analyzer or check the text column.', { field: 'text' });
    }
    kept.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.vocabulary = new Map(kept.map((term, i) => [term, i]));
    const n = texts.length;
    this.idf = Float64Array.from(kept, (term) => Math.log((1 + n) / (1 + (df.get(term) as number))) + 1);
    return this;
  }

  /** Sparse TF-IDF rows (terms outside the fitted vocabulary are dropped), each row L2-normalised. */
  transform(texts: readonly string[]): SparseRows {
    const indptr = new Int32Array(texts.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    texts.forEach((t, i) => {
      const counts = new Map<number, number>();
      for (const term of analyze(t, this.options)) {
        const col = this.vocabulary.get(term);
        if (col !== undefined) counts.set(col, (counts.get(col) ?? 0) + 1);
      }
      const cols = [...counts.keys()].sort((a, b) => a - b);
      let norm = 0;
      const row = cols.map((c) => {
        const tf = counts.get(c) as number;
        const v = (this.options.sublinearTf === true ? 1 + Math.log(tf) : tf) * this.idf[c];
        norm += v * v;
        return v;
      });
      norm = Math.sqrt(norm);
      cols.forEach((c, j) => {
        indices.push(c);
        values.push(norm > 0 ? row[j] / norm : 0);
      });
      indptr[i + 1] = indices.length;
    });
    return { rows: texts.length, cols: this.vocabulary.size, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
  }
}

/** Dense rows (N, D) as SparseRows with every entry stored (for LR on dense features such as mean word vectors). */
export function denseRows(data: ArrayLike<number>, rows: number, cols: number): SparseRows {
  const indptr = Int32Array.from({ length: rows + 1 }, (_, i) => i * cols);
  const indices = Int32Array.from({ length: rows * cols }, (_, j) => j % cols);
  return { rows, cols, indptr, indices, values: Float64Array.from(data) };
}
