// Public entry of the importers: formats, encodings, inspection, streaming import, stats, splits and sample corpora.
export type {
  EncodingChoice,
  ImportedDoc,
  ImportFormat,
  ImportOptions,
  ImportSummary,
  InvalidEntry,
  ProgressFn,
  ResolvedEncoding,
  SourceInspection,
} from './types';
export { MAX_INVALID_KEPT } from './types';
export { inspectSource } from './inspect';
export { readDocuments } from './read';
export { resolveSource } from './source';
export { StatsAccumulator } from '../stats';
export { assignSplits, contiguousSplits, type SplitRatios } from '../splits';
export { listSamples, sampleSource } from '../samples';
