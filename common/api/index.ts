// The one API contract: every channel with its zod input/output schema and every event with its payload.
// Main (IPC), the browser-mode server, the CLI and the renderer all derive their types from here. Each capability
// keeps its shapes, channels and events in its own file (common/api/<capability>.ts); this file joins them.
// A new capability adds its file and one line to `channels` and `events` below.
import { z } from 'zod';
import { appChannels, appEvents, Settings } from './app';
import { AnalysisToken, analysisChannels, AttentionMatrix, AttentionThumbnails, AttentionView, HeadSteps, OnnxInspection } from './analysis';
import { Dataset, datasetChannels, datasetEvents, DatasetStats, DocumentRow, ImportRequest, SourceInspection, SplitInfo } from './datasets';
import { Comparison, ComparisonCell, ComparisonRow, Experiment, ExperimentBudget, experimentChannels, experimentEvents } from './experiments';
import { Artifact, JobsStatus, MetricSeries, MetricSummary, Run, runChannels, RunDetail, runEvents, RunSample, RunStatus } from './runs';
import { Tokenizer, tokenizerChannels, tokenizerEvents } from './tokenizers';
import { seq2seqChannels, seq2seqEvents } from './seq2seq';
import { Report, reportChannels, reportEvents, ReportOptions, ReportSummary } from './reports';
import { scaleChannels, TorchExportResult, TorchImportResult } from './scale';
import { ProjectorBookmark, projectorChannels, projectorEvents, ProjectorSet, ProjectorSourceRun, ProjectionDone, SpaceComparison } from './projector';
import { embeddingChannels } from './embeddings';
import { finetuneChannels } from './finetune';

export * from './shared';
export * from './app';
export * from './datasets';
export * from './tokenizers';
export * from './runs';
export * from './experiments';
export * from './analysis';
export * from './reports';
export * from './scale';
export * from './projector';
export * from './embeddings';
export * from './finetune';

// ---------- channels ----------
export const channels = {
  ...appChannels,
  ...datasetChannels,
  ...tokenizerChannels,
  ...runChannels,
  ...experimentChannels,
  ...analysisChannels,
  ...reportChannels,
  ...scaleChannels,
  ...projectorChannels,
  ...embeddingChannels,
  ...finetuneChannels,
  ...seq2seqChannels,
} as const;

// ---------- events (main -> renderer) ----------
export const events = {
  ...appEvents,
  ...datasetEvents,
  ...tokenizerEvents,
  ...runEvents,
  ...experimentEvents,
  ...reportEvents,
  ...projectorEvents,
  ...seq2seqEvents,
} as const;

// ---------- derived types ----------
export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<K extends ChannelName> = z.input<Channels[K]['input']>;
/** The input after validation (defaults filled in): what handlers receive. */
export type ChannelArgs<K extends ChannelName> = z.output<Channels[K]['input']>;
export type ChannelOutput<K extends ChannelName> = z.output<Channels[K]['output']>;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** Every channel must have a handler: a missing one is a type error where the map is built. */
export type Handlers = { [K in ChannelName]: (input: ChannelArgs<K>) => Promise<ChannelOutput<K>> };

/** What window.lab (or the HTTP bridge) offers the renderer. */
export interface LabApi {
  invoke<K extends ChannelName>(channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
  /** Electron only: the on-disk path of a file the user picked or dropped (webUtils.getPathForFile). */
  pathForFile?(file: File): string;
}

/** Errors cross the bridge as { error: { message, code, field? } }. */
export const ApiError = z.object({ message: z.string(), code: z.string(), field: z.string().optional() });
export type ApiErrorShape = z.output<typeof ApiError>;

/** What a call answers across IPC and HTTP: errors travel as data (Electron keeps only the message of thrown ones). */
export type CallReply = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export type DatasetT = z.output<typeof Dataset>;
export type DatasetStatsT = z.output<typeof DatasetStats>;
export type SplitInfoT = z.output<typeof SplitInfo>;
export type DocumentRowT = z.output<typeof DocumentRow>;
export type TokenizerT = z.output<typeof Tokenizer>;
export type SettingsT = z.output<typeof Settings>;
export type ImportRequestT = z.output<typeof ImportRequest>;
export type SourceInspectionT = z.output<typeof SourceInspection>;
export type RunT = z.output<typeof Run>;
export type RunDetailT = z.output<typeof RunDetail>;
export type MetricSummaryT = z.output<typeof MetricSummary>;
export type ArtifactT = z.output<typeof Artifact>;
export type RunSampleT = z.output<typeof RunSample>;
export type MetricSeriesT = z.output<typeof MetricSeries>;
export type RunStatusT = z.output<typeof RunStatus>;
export type ExperimentT = z.output<typeof Experiment>;
export type ComparisonT = z.output<typeof Comparison>;
export type ComparisonRowT = z.output<typeof ComparisonRow>;
export type ComparisonCellT = z.output<typeof ComparisonCell>;
export type ExperimentBudgetT = z.output<typeof ExperimentBudget>;
export type JobsStatusT = z.output<typeof JobsStatus>;
export type AttentionViewT = z.output<typeof AttentionView>;
export type HeadStepsT = z.output<typeof HeadSteps>;
export type OnnxInspectionT = z.output<typeof OnnxInspection>;
export type AnalysisTokenT = z.output<typeof AnalysisToken>;
export type AttentionMatrixT = z.output<typeof AttentionMatrix>;
export type AttentionThumbnailsT = z.output<typeof AttentionThumbnails>;
export type ReportT = z.output<typeof Report>;
export type ReportSummaryT = z.output<typeof ReportSummary>;
export type ReportOptionsT = z.output<typeof ReportOptions>;
export type TorchExportResultT = z.output<typeof TorchExportResult>;
export type TorchImportResultT = z.output<typeof TorchImportResult>;
export type ProjectorSetT = z.output<typeof ProjectorSet>;
export type ProjectorSourceRunT = z.output<typeof ProjectorSourceRun>;
export type ProjectorBookmarkT = z.output<typeof ProjectorBookmark>;
export type ProjectionDoneT = z.output<typeof ProjectionDone>;
export type SpaceComparisonT = z.output<typeof SpaceComparison>;
