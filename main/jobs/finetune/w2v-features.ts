// The mean-of-Word2Vec-vectors baseline's features (issue 18): Word2Vec (CBOW, gensim's defaults but 50 dimensions and
// every word seen twice) trained on the task's whole train split — the unlabelled text a practitioner has — then each
// text as the mean of its known words' vectors, for a logistic regression. Shapes: one dense row of `dim` per text,
// handed over as CSR rows (ml/finetune/tfidf.ts SparseRows) so the same LR fits it.
import path from 'node:path';
import { getEmbeddingKernels } from '../../../native-kernels/embeddings';
import type { KernelPreference } from '../../../native-kernels/index';
import { DEFAULT_WORD_TOKENIZER, textSentences, type WordTokenizerOptions } from '../../data/words';
import { embeddingConfig } from '../../ml/embeddings/config';
import { loadWordVectors, type WordVectors } from '../../ml/embeddings/store';
import { trainEmbeddings } from '../../ml/embeddings/train';
import type { SparseRows } from '../../ml/finetune/tfidf';

/** Word2Vec settings of the baseline: small and single-threaded, so a seed gives the same vectors every time. */
export const W2V_BASELINE = { method: 'word2vec', dim: 50, minCount: 2, epochs: 5, threads: 1 } as const;

/** Trains the baseline's Word2Vec on `texts` into `dir` and returns its vectors. */
export async function trainTaskWord2Vec(texts: readonly string[], seed: number, dir: string, corpusName: string, kernels: KernelPreference = 'native'): Promise<WordVectors> {
  const config = embeddingConfig({ ...W2V_BASELINE, seed });
  const sentences = function* (): Generator<string[]> {
    for (const t of texts) yield* textSentences(t, config.tokenizer);
  };
  await trainEmbeddings(getEmbeddingKernels(kernels), { config, sentences, corpusName, dir, resume: false }, { progress: () => {}, shouldStop: () => false });
  return loadWordVectors(path.join(dir, 'vectors', 'final'));
}

/** Each text as the mean of the vectors of its words that have one (a zero row when none has), and how many had none. */
export function meanVectorRows(wv: WordVectors, texts: readonly string[], tokenizer: WordTokenizerOptions = DEFAULT_WORD_TOKENIZER): { rows: SparseRows; empty: number } {
  const D = wv.dim;
  const values = new Float64Array(texts.length * D);
  let empty = 0;
  texts.forEach((t, i) => {
    let n = 0;
    for (const sentence of textSentences(t, tokenizer)) {
      for (const w of sentence) {
        const v = wv.vectorOf(w);
        if (v === null) continue;
        for (let d = 0; d < D; d++) values[i * D + d] += v[d];
        n++;
      }
    }
    if (n === 0) empty++;
    else for (let d = 0; d < D; d++) values[i * D + d] /= n;
  });
  const indptr = Int32Array.from({ length: texts.length + 1 }, (_, i) => i * D);
  const indices = Int32Array.from({ length: texts.length * D }, (_, j) => j % D);
  return { rows: { rows: texts.length, cols: D, indptr, indices, values }, empty };
}
