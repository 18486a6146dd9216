// A "vector set": N labelled points of dimension D with per-point metadata, the one shape every embedding view reads
// (a static-embedding run's word vectors, a model's token table, contextual vectors). Contract with the projector:
// /work/notes/issue-15-interface.md while issue 15 is open.

/** Where a set of vectors came from. checkpoint: 'final' or a checkpoint folder name such as 'step-000004000'. */
export type VectorSource =
  | { kind: 'word2vec' | 'fasttext' | 'glove'; runId: number; checkpoint: string }
  | { kind: 'imported'; runId: number; checkpoint: 'final'; format: VectorFileFormat }
  | { kind: 'token-embedding' | 'position-embedding' | 'contextual'; runId: number; checkpoint: string; layer?: number };

export type VectorFileFormat = 'w2v-text' | 'w2v-bin' | 'projector';
export const VECTOR_FILE_FORMATS: readonly VectorFileFormat[] = ['w2v-text', 'w2v-bin', 'projector'];

export interface VectorSet {
  /** stable key for caches and bookmarks: `run:<id>@<checkpoint>` for whole sets */
  key: string;
  /** plain English title from main; the renderer builds its own localised title from `source` */
  title: string;
  source: VectorSource;
  /** N labels (words, token texts) */
  labels: string[];
  dim: number;
  /** N*D row-major float32, not normalised */
  vectors: Float32Array;
  /** per-point columns, each exactly N long; word-vector sets always have `count` (corpus frequency, 0 when
   *  unknown) and `rank` (0 = most frequent) */
  columns: Record<string, (string | number)[]>;
}

/** Neighbour of a query in a vector set (cosine similarity). */
export interface Neighbor {
  index: number;
  label: string;
  similarity: number;
}
