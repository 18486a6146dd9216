// Report shapes and channels of the API contract: reports built from an experiment or runs, their sections and
// options, figures pinned from the attention explorer, exports in every format, and runs imported from other tools.
import { z } from 'zod';
import { byId, empty, Id, Language, Name, ok } from './shared';
import { Run } from './runs';

export const ReportSectionId = z.enum(['summary', 'setup', 'curves', 'comparison', 'probes', 'figures', 'notes', 'reproduce']);
export const ReportFormat = z.enum(['html', 'pdf', 'md', 'tex', 'csv', 'json', 'tfevents']);
export const ExternalFormat = z.enum(['auto', 'tfevents', 'csv', 'jsonl']);
const XMode = z.enum(['step', 'tokens', 'time']);

/** What a report shows and how: language, sections (each once, in order, on or off), curve settings, notes. */
export const ReportOptions = z.object({
  lang: Language,
  sections: z.array(z.object({ id: ReportSectionId, enabled: z.boolean() }).strict()).min(1).max(8)
    .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'Each section may appear only once.'),
  curves: z.object({
    keys: z.array(z.string().min(1).max(200)).max(30),
    xModes: z.array(XMode).min(1, 'Choose at least one x axis (step, tokens or time).').max(3),
    smoothing: z.number().min(0).max(0.99),
    logY: z.boolean(),
    groupSeeds: z.boolean(),
  }).strict(),
  notes: z.string().max(50_000, 'Notes must be at most 50,000 characters.'),
}).strict();

export const ReportFigure = z.object({
  id: Id,
  title: z.string(),
  caption: z.string(),
  runId: Id.nullable(),
  step: z.number().int().nullable(),
  view: z.string(),
  mime: z.enum(['image/svg+xml', 'image/png']),
  /** SVG markup or base64 PNG, for the builder's thumbnails */
  data: z.string(),
  createdAt: z.string(),
});

export const ReportExport = z.object({ format: ReportFormat, path: z.string(), sha256: z.string(), bytes: z.number(), exportedAt: z.string() });

export const Report = z.object({
  id: Id,
  name: z.string(),
  experimentId: Id.nullable(),
  runIds: z.array(Id),
  /** runs the report was built from that have since been deleted */
  missingRunIds: z.array(Id),
  options: ReportOptions,
  figures: z.array(ReportFigure),
  lastExport: ReportExport.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ReportSummary = Report.omit({ figures: true, options: true }).extend({ figureCount: z.number().int(), lang: Language });

export const ImportProblem = z.object({ file: z.string(), where: z.string(), message: z.string() });

/** What a report is made from when it is exported without being stored (the CLI): an experiment or runs. */
const Subject = {
  id: Id.optional(),
  experimentId: Id.optional(),
  runIds: z.array(Id).min(1).max(500).optional(),
};

// ---------- channels ----------
export const reportChannels = {
  'reports.list': { input: empty, output: z.array(ReportSummary) },
  'reports.get': { input: byId, output: Report },
  'reports.create': {
    input: z.object({
      name: Name.optional(),
      experimentId: Id.optional(),
      runIds: z.array(Id).min(1).max(500).optional(),
      lang: Language.optional(),
    }).strict().refine((v) => v.experimentId !== undefined || v.runIds !== undefined, { message: 'Say what the report is about: an experimentId or runIds.', path: ['runIds'] }),
    output: Report,
  },
  'reports.update': {
    input: z.object({ id: Id, name: Name.optional(), runIds: z.array(Id).min(1).max(500).optional(), options: ReportOptions.optional() }).strict(),
    output: Report,
  },
  'reports.delete': { input: byId, output: ok },
  /** the report as interactive HTML (what the HTML export writes), for the builder's preview */
  'reports.preview': { input: byId, output: z.object({ html: z.string() }) },
  'reports.export': {
    input: z.object({
      ...Subject,
      format: ReportFormat,
      /** where to write; default: <lab home>/exports/reports/<id>-<name>.<ext> */
      path: z.string().min(1).optional(),
      force: z.boolean().default(false),
      /** the language of an unstored report (a stored one keeps its own) */
      lang: Language.optional(),
    }).strict().refine((v) => [v.id, v.experimentId, v.runIds].filter((x) => x !== undefined).length === 1, { message: 'Export one thing: a report id, an experimentId, or runIds.', path: ['id'] }),
    output: z.object({
      format: ReportFormat,
      path: z.string(),
      /** every file written (a Markdown report's figures, the run-summary CSV beside the long one, one event file per run) */
      files: z.array(z.string()),
      bytes: z.number(),
      sha256: z.string(),
      /** PDF: the browser that printed it */
      browser: z.string().optional(),
      /** data formats: the points written */
      points: z.number().optional(),
      notices: z.array(z.string()),
    }),
  },
  'reports.pin': {
    input: z.object({
      /** pin into this report, or into a new one made from `newReport` */
      reportId: Id.optional(),
      newReport: z.object({ name: Name.optional(), runIds: z.array(Id).min(1).max(500), lang: Language.optional() }).strict().optional(),
      title: z.string().trim().min(1, 'Give the figure a title.').max(300),
      caption: z.string().max(2000).default(''),
      runId: Id.nullable().default(null),
      step: z.number().int().min(0).nullable().default(null),
      view: z.enum(['heatmap', 'head-view', 'model-view', 'step-by-step', 'embeddings']),
      mime: z.enum(['image/svg+xml', 'image/png']),
      data: z.string().min(1).max(8_000_000, 'The figure is larger than 8 MB; pin a smaller view.'),
      meta: z.record(z.string(), z.unknown()).default({}),
    }).strict().refine((v) => (v.reportId === undefined) !== (v.newReport === undefined), { message: 'Pin into one report: give reportId or newReport.', path: ['reportId'] }),
    output: z.object({ report: Report, figureId: Id }),
  },
  'reports.unpin': { input: z.object({ reportId: Id, figureId: Id }).strict(), output: Report },
  'runs.importExternal': {
    input: z.object({
      path: z.string().min(1, 'Give the path of a TensorBoard log folder, an event file, a CSV or a JSONL file.'),
      format: ExternalFormat.default('auto'),
      /** a name for the run (one run only), else the folder/file/run column gives it */
      name: Name.optional(),
      family: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'A family is a short lower-case word, e.g. gpt, bert or external.').default('external'),
      experimentId: Id.optional(),
    }).strict(),
    output: z.object({ runs: z.array(Run), problems: z.array(ImportProblem), problemCount: z.number().int() }),
  },
} as const;

// ---------- events ----------
export const reportEvents = {
  'reports.changed': z.object({ id: Id.nullable() }),
} as const;
