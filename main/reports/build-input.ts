// What the report builder reads, gathered by the reports service from the store: the report's options and the runs,
// series, comparison, samples, pinned figures and setup facts they refer to. Plain data, so the builder is pure.
import type { DatasetT, ExperimentT, RunSampleT, RunT, TokenizerT } from '../../common/api';
import type { XMode } from '../../common/charts/metricCurves';
import type { FullSeries, ReportLang, SectionId } from './document';

export interface ReportSectionOption {
  id: SectionId;
  enabled: boolean;
}

/** A report's own settings, stored with it (reports.options_json) so it can be reopened, edited and re-exported. */
export interface ReportOptions {
  lang: ReportLang;
  /** every section once, in the order the user chose */
  sections: ReportSectionOption[];
  curves: {
    /** metric keys to chart; empty = every key the runs have, losses first */
    keys: string[];
    xModes: XMode[];
    /** EMA weight, as the compare page's slider */
    smoothing: number;
    logY: boolean;
    groupSeeds: boolean;
  };
  /** the user's notes, Markdown */
  notes: string;
}

/** A run as the report sees it: the API's run plus where it came from. */
export type ReportRun = RunT & { origin: 'local' | 'external'; originInfo: Record<string, unknown> };

/** A figure pinned from the attention explorer (reports' figures table). */
export interface PinnedFigure {
  id: number;
  title: string;
  caption: string;
  runId: number | null;
  step: number | null;
  /** heatmap, head-view, model-view, step-by-step, embeddings */
  view: string;
  mime: 'image/svg+xml' | 'image/png';
  data: string;
}

export interface ReportInput {
  name: string;
  options: ReportOptions;
  experiment: ExperimentT | null;
  runs: ReportRun[];
  /** run ids the report was built from that no longer exist */
  missingRunIds: number[];
  /** a run's series of a key as the compare page loads it (the store's min/max decimation), or undefined */
  seriesOf(runId: number, key: string): { steps: number[]; values: (number | null)[]; times: number[]; total: number } | undefined;
  /** every point of a run's key, attached to interactive charts; undefined leaves the chart without attached data */
  fullOf?(runId: number, key: string): FullSeries | undefined;
  samples: Map<number, RunSampleT[]>;
  figures: PinnedFigure[];
  datasets: Map<number, DatasetT>;
  tokenizers: Map<number, TokenizerT>;
  app: { version: string; kernelBackend: string; cpu: string; node: string; platform: string };
  generatedAt: string;
}

/** Sections on by default, in the default order. */
export function defaultReportOptions(lang: ReportLang): ReportOptions {
  const ids: SectionId[] = ['summary', 'setup', 'curves', 'comparison', 'probes', 'figures', 'notes', 'reproduce'];
  return {
    lang,
    sections: ids.map((id) => ({ id, enabled: true })),
    curves: { keys: [], xModes: ['step'], smoothing: 0.6, logY: false, groupSeeds: true },
    notes: '',
  };
}
