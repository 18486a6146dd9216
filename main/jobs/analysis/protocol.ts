// The messages between the analysis service (parent) and its long-lived analysis worker process: requests down,
// each with an id, and one reply per request up. Sent over Node's IPC channel with 'advanced' (structured clone)
// serialization, so attention, matrices and thumbnails cross as typed arrays; base64 is made only at the API edge.
import type { ChannelArgs, ChannelOutput } from '../../../common/api';
import type { LabErrorCode } from '../../../common/errors';
import type { OnnxExportInfo } from '../../onnx/export';
import type { ParityReport } from '../../onnx/parity';
import type { FrameMessage, ProjectorOp, ProjectorResult } from '../projector/protocol';

type View = ChannelOutput<'analysis.attention'>;

/** A view as the worker sends it: the attention and the position table travel beside it as typed arrays. */
export type BareView = Omit<View, 'attention' | 'attentionPacked' | 'positional'> & {
  positional: { kind: 'sinusoidal' | 'learned'; T: number; C: number } | null;
};

export interface AttentionReply {
  view: BareView;
  /** (L,NH,T,T) after hiding specials; null when retained (it stays in the worker) or when the model gave none */
  attention: Float32Array | null;
  /** (T,C) position table; null for imported ONNX models */
  positional: Float32Array | null;
}

/** One cut of a retained view: (rows, cols) float32 values. */
export interface MatrixCut {
  key: string;
  kind: ChannelArgs<'analysis.matrix'>['kind'];
  layer: number;
  head: number;
  query: number;
  rows: number;
  cols: number;
  max: number;
  values: Float32Array;
}

/** The model view's (L·NH, size, size) max-pooled maps, each quantised to bytes against its own largest weight. */
export interface PooledThumbnails {
  key: string;
  L: number;
  NH: number;
  T: number;
  size: number;
  causal: boolean;
  maxima: number[];
  bytes: Uint8Array;
}

/** A run's checkpoint as the service resolved it from the store; `stamp` (mtime) tells a rewritten file apart. */
export interface CheckpointRef {
  runId: number;
  runName: string;
  family: 'gpt' | 'bert' | 'gru' | 'lstm' | 'classifier';
  step: number;
  dir: string;
  stamp: number;
}

/**
 * A checkpoint the analysis channels open: a run's (a CheckpointRef), or a folder outside the lab (`attention-lab
 * attention|export-onnx DIR`), whose run, family and step are unknown (null; the step is then the one it saved).
 */
export type CheckpointSource = Omit<CheckpointRef, 'runId' | 'family' | 'step'> & {
  runId: number | null;
  family: CheckpointRef['family'] | null;
  step: number | null;
};

/** An export's parity check: the text both engines run and the largest |Δ| of logits and attention it accepts. */
export interface ExportCheck {
  text: string;
  tolerance: number;
}

/** What an export wrote, with the family and step of the checkpoint read and the parity check's report (null: not asked). */
export type ExportReply = OnnxExportInfo & { family: 'gpt' | 'bert'; step: number; parity: ParityReport | null };

/** What a probe asks of each run: continue a prompt (ml/probes.ts ContinueOptions, as the API validated them). */
export type ContinueRequest = Omit<ChannelArgs<'probe.continue'>, 'runIds' | 'step'>;

/** Parent → worker: the work, with the inputs as the API validated them. */
export type AnalysisRequestBody =
  | { type: 'attention'; checkpoint: CheckpointSource; input: ChannelArgs<'analysis.attention'> }
  | { type: 'headSteps'; checkpoint: CheckpointSource; input: ChannelArgs<'analysis.headSteps'> }
  | { type: 'onnxRun'; path: string; stamp: number; input: ChannelArgs<'analysis.onnxRun'> }
  | { type: 'exportOnnx'; checkpoint: CheckpointSource; out: string; check: ExportCheck | null }
  // the probes (issue 13): each checkpoint answers in turn, through ml/probes.ts
  | { type: 'fill'; checkpoints: CheckpointRef[]; text: string; topK: number }
  | { type: 'continue'; checkpoints: CheckpointRef[]; request: ContinueRequest }
  | { type: 'matrix'; input: ChannelArgs<'analysis.matrix'> }
  | { type: 'thumbnails'; input: ChannelArgs<'analysis.thumbnails'> }
  // the embedding projector (issue 15): answered beside the queue, so a stop reaches a running projection
  | { type: 'projector'; op: ProjectorOp };

export type AnalysisRequest = AnalysisRequestBody & { id: number };

/** What each request type answers. */
export interface AnalysisResults {
  attention: AttentionReply;
  headSteps: ChannelOutput<'analysis.headSteps'>;
  onnxRun: AttentionReply;
  exportOnnx: ExportReply;
  fill: ChannelOutput<'probe.fill'>;
  continue: ChannelOutput<'probe.continue'>;
  matrix: MatrixCut;
  thumbnails: PooledThumbnails;
  projector: ProjectorResult;
}

/** Worker → parent before a reply: a projection's frame for the request `id`. */
export interface AnalysisProgress {
  id: number;
  progress: FrameMessage;
}

export function isAnalysisProgress(value: unknown): value is AnalysisProgress {
  const v = value as { id?: unknown; progress?: unknown } | null;
  return v !== null && typeof v === 'object' && typeof v.id === 'number' && typeof v.progress === 'object' && v.progress !== null;
}

/** Worker → parent: a result, or the error as a LabError's parts (code null: not a LabError, a bug). */
export type AnalysisReply =
  | { id: number; ok: true; result: AnalysisResults[keyof AnalysisResults] }
  | { id: number; ok: false; message: string; code: LabErrorCode | null; field?: string };

export function isAnalysisReply(value: unknown): value is AnalysisReply {
  const v = value as { id?: unknown; ok?: unknown } | null;
  return v !== null && typeof v === 'object' && typeof v.id === 'number' && typeof v.ok === 'boolean';
}
