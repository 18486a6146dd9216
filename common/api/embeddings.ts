// Static word embeddings in the API contract (Word2Vec, FastText, GloVe, imported vectors): training a run, the
// method defaults, querying a run's vectors (neighbours, analogies), the vectors themselves for the projector,
// export and import. A training run is an ordinary run: runs.get / runs.metrics / runs.stop / runs.resume serve it.
import { z } from 'zod';
import { RunStatus } from './runs';
import { Id, Name } from './shared';

export const EmbeddingMethod = z.enum(['word2vec', 'fasttext', 'glove']);
/** runs.family of static-embedding runs ('embeddings-import': vectors brought from another tool) */
export const EmbeddingFamily = z.enum(['word2vec', 'fasttext', 'glove', 'embeddings-import']);
export const EmbeddingFileFormat = z.enum(['w2v-text', 'w2v-bin', 'projector']);
export const EmbeddingChineseSegmentation = z.enum(['char', 'words', 'spaces']);

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);
const pos = z.number().positive();

/** Settings a person may set; the rest keep the method's defaults (embeddings.defaults lists them). */
export const EmbeddingSettings = z.object({
  dim: int(1, 4096).optional(),
  window: int(1, 100).optional(),
  minCount: int(1, 1_000_000_000).optional(),
  maxVocab: int(0, 100_000_000).optional(),
  epochs: int(1, 10_000).optional(),
  seed: int(0, 0xffffffff).optional(),
  threads: int(1, 256).optional(),
  // Word2Vec / FastText
  sg: z.boolean().optional(),
  hs: z.boolean().optional(),
  negative: int(0, 100).optional(),
  sample: z.number().min(0).max(1).optional(),
  alpha: pos.optional(),
  minAlpha: z.number().min(0).optional(),
  minN: int(0, 100).optional(),
  maxN: int(0, 100).optional(),
  buckets: int(0, 100_000_000).optional(),
  // GloVe
  xMax: pos.optional(),
  eta: pos.optional(),
  memoryMB: int(16, 1 << 20).optional(),
}).strict();

export const EmbeddingTrainRequest = z.object({
  /** dataset name or id */
  dataset: z.string().min(1),
  method: EmbeddingMethod,
  settings: EmbeddingSettings.default({}),
  /** how Chinese text becomes words: per character (default), dictionary words, or the text's own spaces */
  chinese: EmbeddingChineseSegmentation.default('char'),
  lowercase: z.boolean().default(true),
  name: Name.optional(),
  /** lets the caller match the runs.log line of this start (said before the run exists, so with runId null) to this call */
  taskId: z.string().max(64).optional(),
}).strict();

export const EmbeddingRunStarted = z.object({
  runId: Id,
  name: z.string(),
  method: EmbeddingMethod,
  /** distinct words kept by min-count */
  vocabulary: z.number().int(),
  /** vocabulary words in the corpus (one epoch) */
  corpusWords: z.number().int(),
  totalSteps: z.number().int(),
});

export const EmbeddingNeighbor = z.object({ index: z.number().int(), label: z.string(), similarity: z.number() });

export const EmbeddingQueryTarget = { runId: Id, checkpoint: z.string().regex(/^(final|epoch-\d{3,})$/).optional() };

export const NeighborsResult = z.object({
  runId: Id,
  checkpoint: z.string(),
  word: z.string(),
  /** false: the word is not in the vocabulary and FastText built its vector from character n-grams */
  inVocabulary: z.boolean(),
  neighbors: z.array(EmbeddingNeighbor),
});

export const AnalogyResult = z.object({
  runId: Id, checkpoint: z.string(), a: z.string(), b: z.string(), c: z.string(), neighbors: z.array(EmbeddingNeighbor),
});

export const EmbeddingRunInfo = z.object({
  runId: Id,
  name: z.string(),
  family: EmbeddingFamily,
  status: RunStatus,
  datasetName: z.string().nullable(),
  step: z.number().int(),
  totalSteps: z.number().int().nullable(),
  createdAt: z.string(),
  /** checkpoints with vectors: epochs ascending, 'final' last */
  checkpoints: z.array(z.string()),
  /** of the newest checkpoint, when there is one */
  vocabulary: z.number().int().nullable(),
  dim: z.number().int().nullable(),
  /** the settings the run trained with ({} for imported vectors) */
  settings: z.record(z.string(), z.unknown()),
});

/** One method's defaults (the reference tools' values; threads: this machine's cores). */
export const EmbeddingDefaults = z.record(z.string(), z.unknown());

export const embeddingChannels = {
  'embeddings.defaults': {
    input: z.object({}).strict(),
    output: z.object({ word2vec: EmbeddingDefaults, fasttext: EmbeddingDefaults, glove: EmbeddingDefaults }),
  },
  /** Checks the dataset and settings (a too-small corpus is refused here, nothing recorded), records the run and queues it. */
  'embeddings.train': { input: EmbeddingTrainRequest, output: EmbeddingRunStarted },
  'embeddings.runs': { input: z.object({}).strict(), output: z.array(EmbeddingRunInfo) },
  'embeddings.checkpoints': { input: z.object({ runId: Id }).strict(), output: z.array(z.string()) },
  'embeddings.neighbors': {
    input: z.object({ ...EmbeddingQueryTarget, word: z.string().trim().min(1).max(200), k: int(1, 1000).default(10) }).strict(),
    output: NeighborsResult,
  },
  'embeddings.analogy': {
    input: z.object({
      ...EmbeddingQueryTarget, a: z.string().trim().min(1).max(200), b: z.string().trim().min(1).max(200),
      c: z.string().trim().min(1).max(200), k: int(1, 1000).default(10),
    }).strict(),
    output: AnalogyResult,
  },
  /** Vocabulary words spelled most like `word` (edit distance): what to offer when a word is not in the vocabulary. */
  'embeddings.spelling': {
    input: z.object({ ...EmbeddingQueryTarget, word: z.string().trim().min(1).max(200), k: int(1, 20).default(5) }).strict(),
    output: z.object({ word: z.string(), inVocabulary: z.boolean(), suggestions: z.array(z.string()) }),
  },
  /** The vectors of a run (first `limit` words = the most frequent), base64 of little-endian float32 (N × dim). */
  'embeddings.vectors': {
    input: z.object({ ...EmbeddingQueryTarget, limit: z.number().int().min(0).default(0) }).strict(),
    output: z.object({
      key: z.string(), title: z.string(), labels: z.array(z.string()), dim: z.number().int(), vectorsB64: z.string(),
      columns: z.record(z.string(), z.array(z.union([z.string(), z.number()]))),
      source: z.record(z.string(), z.unknown()),
    }),
  },
  'embeddings.export': {
    // out: a file (a folder for projector); omitted → a free name in the lab's exports/ folder, relative → inside it;
    // an existing file is replaced only with force
    input: z.object({ ...EmbeddingQueryTarget, format: EmbeddingFileFormat, out: z.string().min(1).optional(), force: z.boolean().optional() }).strict(),
    output: z.object({ files: z.array(z.string()), words: z.number().int(), dim: z.number().int() }),
  },
  /** Vectors trained elsewhere become a run (family 'embeddings-import') that every query and the projector can use. */
  'embeddings.import': {
    input: z.object({
      path: z.string().min(1), format: EmbeddingFileFormat, metadataPath: z.string().min(1).optional(), name: Name.optional(),
    }).strict(),
    output: z.object({ runId: Id, name: z.string(), words: z.number().int(), dim: z.number().int() }),
  },
} as const;
