// The projector's requests to the analysis worker (which hosts the ProjectorSession) and their answers: the service
// resolves runs and files to a LoadSpec (paths, texts), the worker loads, holds and projects. Typed arrays cross as
// they are (structured clone); base64 is made only at the API edge.
import type { ProjectionInput } from '../../ml/embeddings/projection/params';
import type { Metric } from '../../../native-kernels/projection';
import type { VectorFileFormat } from '../../../common/embeddings/vector-set';

/** A GPT/BERT checkpoint as the service found it: the folder and its model file's mtime (a rewritten file reloads). */
export interface ModelCheckpoint {
  runId: number;
  runName: string;
  checkpoint: string;
  dir: string;
  stamp: number;
}

/** What to load, with the paths resolved; `limit` keeps the first rows (the most frequent words). */
export type LoadSpec = (
  | { kind: 'run-vectors'; runId: number; runName: string; method: string; checkpoint: string; dir: string }
  | { kind: 'file'; path: string; format: VectorFileFormat; metadataPath: string | null; stamp: number }
  | { kind: 'token-embedding' | 'position-embedding'; model: ModelCheckpoint }
  | { kind: 'contextual'; model: ModelCheckpoint; layer: number; texts: string[] }
) & { limit?: number };

/** An opened set without its vectors (they stay in the worker). */
export interface SetMeta {
  key: string;
  title: string;
  kind: string;
  runId: number | null;
  checkpoint: string | null;
  layer: number | null;
  N: number;
  dim: number;
  labels: string[];
  columns: Record<string, (string | number)[]>;
}

export interface FrameMessage {
  jobId: number;
  iteration: number;
  total: number;
  dims: number;
  /** (N, dims), a copy */
  coords: Float32Array;
  kl: number | null;
}

export interface ProjectionOutcome {
  jobId: number;
  key: string;
  method: 'pca' | 'tsne' | 'umap';
  dims: number;
  N: number;
  iterations: number;
  stopped: boolean;
  seconds: number;
  coords: Float32Array;
  rows: number[] | null;
  variances: number[] | null;
  explained: number[] | null;
  kl: number | null;
  knn: { method: 'exact' | 'nn-descent'; k: number; seconds: number } | null;
}

export interface NeighbourRow {
  index: number;
  label: string;
  distance: number;
  similarity: number | null;
}

export interface SeriesOutcome {
  checkpoints: string[];
  N: number;
  dims: number;
  labels: string[];
  /** one aligned (N, dims) layout per checkpoint */
  layouts: Float32Array[];
}

export interface ComparisonOutcome {
  k: number;
  mean: number;
  labels: string[];
  rowsA: number[];
  rowsB: number[];
  overlap: number[];
}

/** Parent → worker. `project` streams FrameMessages as progress before its outcome. */
export type ProjectorOp =
  | { op: 'open'; spec: LoadSpec }
  | { op: 'project'; jobId: number; key: string; params: ProjectionInput; rows?: number[]; init?: Float32Array }
  | { op: 'stop'; jobId: number }
  | { op: 'neighbors'; key: string; index: number; k: number; metric: Metric }
  | { op: 'search'; key: string; query: string; limit: number }
  | { op: 'analogy'; key: string; a: string; b: string; c: string; k: number; metric: Metric }
  | { op: 'neighbourhood'; key: string; index: number; k: number; metric: Metric }
  | { op: 'compare'; keyA: string; keyB: string; k: number; metric: Metric; limit?: number }
  | { op: 'series'; specs: LoadSpec[]; checkpoints: string[]; params: ProjectionInput };

export interface ProjectorResults {
  open: SetMeta;
  project: ProjectionOutcome;
  stop: { stopped: boolean };
  neighbors: NeighbourRow[];
  search: number[];
  analogy: { rows: number[]; answers: NeighbourRow[] };
  neighbourhood: number[];
  compare: ComparisonOutcome;
  series: SeriesOutcome;
}

export type ProjectorResult = ProjectorResults[keyof ProjectorResults];
