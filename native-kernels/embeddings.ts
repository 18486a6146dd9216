// Entry point for the static-embedding kernels (issue 15): the native addon's AVX2 or portable paths, or the JS
// reference, each behind the argument checks. Threads are the shared pool of getKernels() (setThreads there).
import { getKernels, type KernelPreference } from './index';
import { loadAddon, selectAvx2 } from './native';
import { checkedEmbeddingKernels } from './embeddings-checks';
import type { CooccurOptions, EmbeddingKernels } from './embeddings-types';
import { word2vecTrain } from './js/word2vec';
import { gloveCost, gloveTrain } from './js/glove';
import { cooccurCount, cooccurDrain, cooccurRehash } from './js/cooccur';

export type * from './embeddings-types';

/** What the addon exports for this family (src/word2vec.cc, glove.cc, cooccur.cc): buffers and options by name. */
interface EmbeddingAddon {
  setAvx2(enable: boolean): boolean;
  word2vecTrain: EmbeddingKernels['word2vecTrain'];
  gloveTrain: EmbeddingKernels['gloveTrain'];
  gloveCost: EmbeddingKernels['gloveCost'];
  cooccurCount(b: { table: Float64Array; words: Int32Array; starts: Int32Array; lookup: Float64Array | null; lookupStarts: Int32Array | null },
    o: CooccurOptions): { sentences: number; entries: number };
  cooccurDrain(b: { table: Float64Array }): number;
  cooccurRehash(b: { from: Float64Array; to: Float64Array }, o: { V: number }): number;
}

export const jsEmbeddingKernels: EmbeddingKernels = {
  backend: 'js', word2vecTrain, gloveTrain, gloveCost, cooccurCount, cooccurDrain, cooccurRehash,
};

const instances = new Map<string, EmbeddingKernels>();

/** The checked embedding kernels of the backend getKernels(prefer) runs on (same fallback rules and environment). */
export function getEmbeddingKernels(prefer: KernelPreference = 'native'): EmbeddingKernels {
  const backend = getKernels(prefer).backend;
  const existing = instances.get(backend);
  if (existing) return existing;
  let raw: EmbeddingKernels = jsEmbeddingKernels;
  const loaded = backend === 'js' ? null : loadAddon();
  if (loaded && 'addon' in loaded) {
    const addon = loaded.addon as unknown as EmbeddingAddon;
    const avx2 = backend === 'native-avx2';
    const select = (): void => selectAvx2(addon, avx2);
    raw = {
      backend,
      word2vecTrain: (b, o) => { select(); return addon.word2vecTrain(b, o); },
      gloveTrain: (b, o) => { select(); return addon.gloveTrain(b, o); },
      gloveCost: (b, o) => { select(); return addon.gloveCost(b, o); },
      cooccurCount: (table, words, starts, o, lookup) =>
        addon.cooccurCount({ table, words, starts, lookup: lookup?.values ?? null, lookupStarts: lookup?.starts ?? null }, o),
      cooccurDrain: (table) => addon.cooccurDrain({ table }),
      cooccurRehash: (from, to, V) => addon.cooccurRehash({ from, to }, { V }),
    };
  }
  const checked = checkedEmbeddingKernels(raw);
  instances.set(backend, checked);
  return checked;
}
