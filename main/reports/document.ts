// The report as resolved, language-specific content: sections of blocks (text, tables, charts, notes, commands) that
// every writer (HTML, PDF, Markdown, LaTeX) renders in its own way. Built by the reports service from the store.

export type ReportLang = 'en' | 'zh-CN';

/** The sections a report can hold, in their default order; a report turns each on or off and orders them. */
export const SECTION_IDS = ['summary', 'setup', 'curves', 'comparison', 'probes', 'figures', 'notes', 'reproduce'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** One series with every point, attached to an HTML chart (drawn downsampled) so nothing is lost. */
export interface FullSeries {
  label: string;
  key: string;
  steps: ArrayLike<number>;
  values: ArrayLike<number | null>;
  /** seconds since the Unix epoch; null when the point has none */
  times: ArrayLike<number | null>;
}

/**
 * A chart: an ECharts option from the shared pure option builders (JSON-safe: no functions), drawn interactively in
 * HTML and rendered to SVG for PDF and Markdown. Series data is already thinned for drawing; `full` keeps every point.
 */
export interface ReportChart {
  id: string;
  title: string;
  option: Record<string, unknown>;
  width: number;
  height: number;
  caption?: string;
  full?: FullSeries[];
}

export interface ReportTable {
  columns: string[];
  rows: string[][];
  /** per column: left or right (numbers) */
  align?: ('l' | 'r')[];
  caption?: string;
}

/** A figure pinned from the attention explorer: the picture the page drew (SVG markup, or PNG bytes as base64). */
export interface ReportImage {
  id: string;
  title: string;
  caption?: string;
  mime: 'image/svg+xml' | 'image/png';
  /** SVG text, or base64 of the PNG */
  data: string;
}

export type ReportBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'facts'; items: [string, string][] }
  | { kind: 'table'; table: ReportTable }
  | { kind: 'chart'; chart: ReportChart }
  | { kind: 'image'; image: ReportImage }
  | { kind: 'markdown'; markdown: string }
  | { kind: 'code'; language: string; code: string }
  | { kind: 'notice'; text: string };

export interface ReportSection {
  id: SectionId;
  title: string;
  blocks: ReportBlock[];
}

export interface ReportDocument {
  title: string;
  /** e.g. "Experiment 3 · 4 runs · 2026-12-04" */
  subtitle: string;
  lang: ReportLang;
  /** ISO time */
  generatedAt: string;
  /** "Attention Lab 0.1.0" */
  generator: string;
  sections: ReportSection[];
  /** words the writers need in the report's language (footers, buttons) */
  words: ReportWords;
}

export interface ReportWords {
  fullData: string;
  fullDataNote: string;
  chartNeedsScript: string;
  figure: string;
  table: string;
  page: string;
  of: string;
}

/** Every chart of the document, in order. */
export function chartsOf(doc: ReportDocument): ReportChart[] {
  return doc.sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.chart] : [])));
}
