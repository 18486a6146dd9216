// Embedding projector shapes of the API contract (issue 15): which vectors to open, a projection that streams its
// frames as events, the questions asked of a set (neighbours, search, analogy, neighbourhood, comparison of two
// sets) and bookmarks of a view. Coordinates cross as base64 of little-endian float32 (packed), as attention does.
import { z } from 'zod';
import { Id, ok } from './shared';

export const ProjectorMethod = z.enum(['pca', 'tsne', 'umap']);
export const ProjectorMetric = z.enum(['cosine', 'euclidean']);
const Checkpoint = z.string().trim().min(1).max(64).optional();
const Key = z.string().min(1).max(400);

/** Which vectors: a static-embedding run's word vectors, or a GPT/BERT run's token table, position table or
 *  contextual vectors (hidden states at `layer` of the given texts, or of `heldOut` sentences drawn from the held-out
 *  split of the run's dataset). No checkpoint: the run's newest. */
export const VectorSourceInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run-vectors'), runId: Id, checkpoint: Checkpoint }).strict(),
  /** a vectors file opened as it is (word2vec text or binary, or the TensorFlow projector's vectors.tsv) */
  z.object({
    kind: z.literal('file'), path: z.string().trim().min(1).max(4096),
    format: z.enum(['w2v-text', 'w2v-bin', 'projector']),
    metadataPath: z.string().trim().min(1).max(4096).optional(),
  }).strict(),
  z.object({ kind: z.literal('token-embedding'), runId: Id, checkpoint: Checkpoint }).strict(),
  z.object({ kind: z.literal('position-embedding'), runId: Id, checkpoint: Checkpoint }).strict(),
  z.object({
    kind: z.literal('contextual'), runId: Id, checkpoint: Checkpoint,
    layer: z.number().int().min(0).max(256),
    texts: z.array(z.string().max(5000)).max(2000).optional(),
    heldOut: z.number().int().min(1).max(5000).optional(),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
  }).strict(),
]);

export const ProjectorColumn = z.union([z.array(z.string()), z.array(z.number())]);

/** An opened set: its labels and per-point columns (the vectors stay in the worker). */
export const ProjectorSet = z.object({
  key: Key,
  title: z.string(),
  kind: z.string(),
  /** null for a file opened as it is */
  runId: Id.nullable(),
  checkpoint: z.string().nullable(),
  layer: z.number().int().nullable(),
  N: z.number().int(),
  dim: z.number().int(),
  labels: z.array(z.string()),
  columns: z.record(z.string(), z.array(z.union([z.string(), z.number()]))),
});

export const ProjectionParamsInput = z.object({
  method: ProjectorMethod,
  dims: z.union([z.literal(2), z.literal(3)]).default(2),
  metric: ProjectorMetric.default('euclidean'),
  perplexity: z.number().positive().max(10_000).optional(),
  iterations: z.number().int().min(1).max(100_000).optional(),
  neighbors: z.number().int().min(2).max(1000).optional(),
  minDist: z.number().min(0).max(100).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  frameEvery: z.number().int().min(1).max(10_000).optional(),
}).strict();

const Packed = z.string();

export const ProjectionDone = z.object({
  jobId: z.number().int(),
  key: Key,
  method: ProjectorMethod,
  dims: z.number().int(),
  N: z.number().int(),
  iterations: z.number().int(),
  stopped: z.boolean(),
  seconds: z.number(),
  /** (N, dims) */
  coordsPacked: Packed,
  /** the projected rows of the set when a subset was projected, else null */
  rows: z.array(z.number().int()).nullable(),
  variances: z.array(z.number()).nullable(),
  explained: z.array(z.number()).nullable(),
  kl: z.number().nullable(),
  knn: z.object({ method: z.enum(['exact', 'nn-descent']), k: z.number().int(), seconds: z.number() }).nullable(),
});

export const ProjectorNeighbour = z.object({
  index: z.number().int(),
  label: z.string(),
  distance: z.number(),
  similarity: z.number().nullable(),
});

export const SpaceComparison = z.object({
  k: z.number().int(),
  mean: z.number(),
  /** the shared labels, in the first set's order, with their rows in each set and their neighbour overlap */
  labels: z.array(z.string()),
  rowsA: z.array(z.number().int()),
  rowsB: z.array(z.number().int()),
  overlap: z.array(z.number()),
});

export const ProjectorBookmark = z.object({
  id: Id,
  name: z.string(),
  setKey: z.string(),
  source: VectorSourceInput,
  params: ProjectionParamsInput,
  /** what the view showed: colour column, selection, isolated rows, camera, analogy */
  view: z.record(z.string(), z.unknown()),
  N: z.number().int(),
  createdAt: z.string(),
});

export const BookmarkSaveInput = z.object({
  name: z.string().trim().min(1, 'A bookmark needs a name.').max(120, 'A bookmark name has at most 120 characters.'),
  setKey: Key,
  source: VectorSourceInput,
  params: ProjectionParamsInput,
  view: z.record(z.string(), z.unknown()).default({}),
  coordsPacked: Packed,
  N: z.number().int().min(1),
}).strict();

export const ProjectorSourceRun = z.object({
  runId: Id,
  name: z.string(),
  family: z.string(),
  kinds: z.array(z.enum(['run-vectors', 'token-embedding', 'position-embedding', 'contextual'])),
  checkpoints: z.array(z.string()),
  /** GPT/BERT: the number of blocks (contextual layers 0..layers); null for word vectors */
  layers: z.number().int().nullable(),
});

export const projectorChannels = {
  'projector.sources': { input: z.object({}).strict(), output: z.array(ProjectorSourceRun) },
  'projector.open': { input: z.object({ source: VectorSourceInput, limit: z.number().int().min(2).optional() }).strict(), output: ProjectorSet },
  'projector.project': {
    input: z.object({ key: Key, params: ProjectionParamsInput, rows: z.array(z.number().int().min(0)).max(1_000_000).optional(), initPacked: Packed.optional() }).strict(),
    output: z.object({ jobId: z.number().int() }),
  },
  'projector.stop': { input: z.object({ jobId: z.number().int() }).strict(), output: z.object({ stopped: z.boolean() }) },
  'projector.neighbors': {
    input: z.object({ key: Key, index: z.number().int().min(0), k: z.number().int().min(1).max(1000).default(10), metric: ProjectorMetric.default('cosine') }).strict(),
    output: z.object({ neighbors: z.array(ProjectorNeighbour) }),
  },
  'projector.search': {
    input: z.object({ key: Key, query: z.string().max(200), limit: z.number().int().min(1).max(1000).default(50) }).strict(),
    output: z.object({ indices: z.array(z.number().int()) }),
  },
  'projector.analogy': {
    input: z.object({ key: Key, a: z.string().min(1).max(200), b: z.string().min(1).max(200), c: z.string().min(1).max(200), k: z.number().int().min(1).max(100).default(5), metric: ProjectorMetric.default('cosine') }).strict(),
    output: z.object({ rows: z.array(z.number().int()), answers: z.array(ProjectorNeighbour) }),
  },
  'projector.neighbourhood': {
    input: z.object({ key: Key, index: z.number().int().min(0), k: z.number().int().min(2).max(100_000).default(100), metric: ProjectorMetric.default('cosine') }).strict(),
    output: z.object({ rows: z.array(z.number().int()) }),
  },
  'projector.compare': {
    input: z.object({ keyA: Key, keyB: Key, k: z.number().int().min(1).max(200).default(10), metric: ProjectorMetric.default('cosine'), limit: z.number().int().min(10).max(200_000).optional() }).strict(),
    output: SpaceComparison,
  },
  /** The same set at several checkpoints of its run, each projected from the one before and aligned onto it
   *  (Procrustes), for the checkpoint slider; only the first `limit` points (default 2000). */
  'projector.series': {
    input: z.object({
      source: VectorSourceInput, checkpoints: z.array(z.string().min(1).max(64)).min(2).max(50),
      params: ProjectionParamsInput, limit: z.number().int().min(2).max(20_000).default(2000),
    }).strict(),
    output: z.object({ checkpoints: z.array(z.string()), N: z.number().int(), dims: z.number().int(), labels: z.array(z.string()), coordsPacked: z.array(Packed) }),
  },
  'projector.bookmarks': { input: z.object({ setKey: Key.optional() }).strict(), output: z.array(ProjectorBookmark) },
  'projector.bookmarkSave': { input: BookmarkSaveInput, output: ProjectorBookmark },
  'projector.bookmarkCoords': { input: z.object({ id: Id }).strict(), output: z.object({ coordsPacked: Packed }) },
  'projector.bookmarkDelete': { input: z.object({ id: Id }).strict(), output: ok },
} as const;

export const projectorEvents = {
  /** a running projection's layout so far */
  'projector.frame': z.object({
    jobId: z.number().int(), key: Key, method: ProjectorMethod, iteration: z.number().int(), total: z.number().int(),
    dims: z.number().int(), N: z.number().int(), coordsPacked: Packed, kl: z.number().nullable(),
  }),
  'projector.done': ProjectionDone,
  'projector.failed': z.object({ jobId: z.number().int(), message: z.string(), code: z.string() }),
} as const;
