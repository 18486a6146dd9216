// Dataset shapes of the API contract: stats, splits, documents, import requests, inspections, samples.
import { z } from 'zod';
import { byId, empty, Encoding, Id, Name, ok, SourceFormat, SplitName } from './shared';

export const Histogram = z.object({
  /** bin edges, length = counts.length + 1 (document length in characters) */
  edges: z.array(z.number()),
  counts: z.array(z.number()),
});

export const DatasetStats = z.object({
  documents: z.number(),
  characters: z.number(),
  /** CJK-aware: each CJK ideograph counts as one word; other words are runs of letters/digits */
  words: z.number(),
  uniqueCharacters: z.number(),
  /** label -> document count; empty when the dataset has no labels */
  labels: z.record(z.string(), z.number()),
  lengthHistogram: Histogram,
  minLength: z.number(),
  maxLength: z.number(),
  meanLength: z.number(),
  /** most frequent characters, for a glance at the alphabet */
  topCharacters: z.array(z.object({ char: z.string(), count: z.number() })),
});

export const SplitInfo = z.object({
  seed: z.number().int(),
  ratios: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  stratified: z.boolean(),
  counts: z.object({ train: z.number(), validation: z.number(), test: z.number() }),
  createdAt: z.string(),
});

export const Dataset = z.object({
  id: Id,
  name: z.string(),
  sourcePath: z.string(),
  format: z.string(),
  encoding: z.string(),
  sha256: z.string(),
  createdAt: z.string(),
  stats: DatasetStats,
  split: SplitInfo.nullable(),
  /** documents with a second text: a sentence-pair dataset (source and target of a seq2seq experiment) has some */
  pairs: z.number().int(),
});

export const DocumentRow = z.object({
  id: Id,
  index: z.number().int(),
  text: z.string(),
  label: z.string().nullable(),
  split: SplitName.nullable(),
  /** the second text of a sentence pair; null for an ordinary document */
  textB: z.string().nullable(),
});

export const ImportRequest = z.object({
  path: z.string().min(1, 'Give the path of a file or folder to import.'),
  name: Name,
  format: SourceFormat.optional(),
  encoding: Encoding.default('auto'),
  /** txt/md: one document for the whole file, or one per blank-line-separated block */
  mode: z.enum(['whole', 'paragraphs']).default('whole'),
  textColumn: z.string().optional(),
  labelColumn: z.string().optional(),
  textField: z.string().optional(),
  labelField: z.string().optional(),
  /** sentence pairs: the CSV/TSV column or JSONL field holding each example's second text */
  secondTextColumn: z.string().optional(),
  secondTextField: z.string().optional(),
  /** JSONL: import the valid lines and report the invalid ones instead of refusing the file */
  skipInvalid: z.boolean().default(false),
  /** import even when an identical file was imported before */
  allowDuplicate: z.boolean().default(false),
  /** lets the caller match task.progress events to this call */
  taskId: z.string().max(64).optional(),
}).strict();

export const SourceInspection = z.object({
  path: z.string(),
  format: SourceFormat,
  encoding: z.string(),
  bytes: z.number(),
  /** csv/tsv header */
  columns: z.array(z.string()).optional(),
  /** jsonl keys seen in the first lines */
  fields: z.array(z.string()).optional(),
  /** folder: sub-folder labels and file count */
  labels: z.array(z.string()).optional(),
  files: z.number().optional(),
  preview: z.array(z.string()),
  /** txt/md: the text's start as one document, as the 'whole' mode imports it (line breaks kept) */
  previewWhole: z.string().optional(),
  /** a dataset that was imported from identical bytes, if any */
  duplicateOf: z.object({ id: Id, name: z.string() }).nullable(),
});

export const InvalidLine = z.object({ file: z.string(), line: z.number(), message: z.string() });

export const SampleCorpus = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  license: z.string(),
  labelled: z.boolean(),
  approxDocuments: z.number(),
});

// ---------- channels ----------
/** The datasets.* channels: import, inspect, browse, split, rename, delete, export. */
export const datasetChannels = {
  'datasets.list': { input: empty, output: z.array(Dataset) },
  'datasets.get': { input: byId, output: Dataset },
  'datasets.inspect': {
    input: z.object({ path: z.string().min(1), format: SourceFormat.optional(), encoding: Encoding.default('auto') }).strict(),
    output: SourceInspection,
  },
  'datasets.import': {
    input: ImportRequest,
    output: z.object({ dataset: Dataset, encoding: z.string(), skipped: z.array(InvalidLine), skippedCount: z.number() }),
  },
  'datasets.samples': { input: empty, output: z.array(SampleCorpus) },
  'datasets.importSample': {
    input: z.object({ sampleId: z.string().min(1), name: Name.optional(), taskId: z.string().max(64).optional() }).strict(),
    output: z.object({ dataset: Dataset }),
  },
  'datasets.documents': {
    input: z.object({
      id: Id,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(50),
      search: z.string().max(200).optional(),
      split: SplitName.optional(),
    }).strict(),
    output: z.object({ total: z.number(), items: z.array(DocumentRow) }),
  },
  'datasets.split': {
    input: z.object({
      id: Id,
      train: z.number().min(0).max(1),
      validation: z.number().min(0).max(1),
      test: z.number().min(0).max(1),
      seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
      stratify: z.boolean().default(true),
    }).strict(),
    output: SplitInfo,
  },
  'datasets.rename': { input: z.object({ id: Id, name: Name }).strict(), output: Dataset },
  'datasets.delete': { input: byId, output: ok },
  'datasets.export': {
    // path: relative ones land in the lab's exports/ folder; an existing file is replaced only with force
    input: z.object({ id: Id, path: z.string().min(1).optional(), force: z.boolean().optional() }).strict(),
    output: z.object({ path: z.string(), documents: z.number() }),
  },
} as const;

// ---------- events (main -> renderer) ----------
/** A dataset was imported, split, renamed or deleted (id null: the whole list changed). */
export const datasetEvents = {
  'datasets.changed': z.object({ id: Id.nullable() }),
} as const;
