// Pure helpers for the import form: sensible defaults from an inspection, and the datasets.import input they make.
import type { ChannelInput, SourceInspectionT } from '../../common/api';

export interface ImportChoices {
  mode: 'whole' | 'paragraphs';
  /** the text column (csv/tsv) or field (jsonl) */
  text: string;
  /** the label column or field; '' = no label */
  label: string;
  /** sentence pairs: the column or field of each example's second text; '' (or absent) = single texts */
  second?: string;
}

const TEXT_NAMES = ['text', 'content', 'body', 'sentence', 'review', 'document'];
const LABEL_NAMES = ['label', 'labels', 'category', 'class', 'genre', 'sentiment', 'target'];

function pick(names: string[] | undefined, preferred: string[]): string | undefined {
  if (!names || names.length === 0) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  for (const p of preferred) {
    const i = lower.indexOf(p);
    if (i >= 0) return names[i];
  }
  return undefined;
}

/** Guesses the text and label columns by their usual names; the user can change both. */
export function defaultChoices(inspection: SourceInspectionT): ImportChoices {
  const names = inspection.format === 'jsonl' ? inspection.fields : inspection.columns;
  const text = pick(names, TEXT_NAMES) ?? names?.[0] ?? '';
  const label = pick(names?.filter((n) => n !== text), LABEL_NAMES) ?? '';
  return { mode: 'whole', text, label, second: '' };
}

/** A dataset name from a file name: "reviews-2024.csv" → "reviews-2024"; folders keep their last segment. */
export function nameFromPath(path: string): string {
  const base = path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).slice(0, 120);
}

/** The datasets.import input for the inspected source and the user's choices; only the relevant options are sent. */
export function buildImportRequest(
  inspection: SourceInspectionT,
  choices: ImportChoices,
  opts: { name: string; encoding: ChannelInput<'datasets.import'>['encoding']; skipInvalid: boolean; allowDuplicate: boolean; taskId: string },
): ChannelInput<'datasets.import'> {
  const req: ChannelInput<'datasets.import'> = {
    path: inspection.path,
    name: opts.name.trim(),
    format: inspection.format,
    encoding: opts.encoding,
    skipInvalid: opts.skipInvalid,
    allowDuplicate: opts.allowDuplicate,
    taskId: opts.taskId,
  };
  switch (inspection.format) {
    case 'txt':
    case 'md':
      req.mode = choices.mode;
      break;
    case 'csv':
    case 'tsv':
      if (choices.text) req.textColumn = choices.text;
      if (choices.label) req.labelColumn = choices.label;
      if (choices.second) req.secondTextColumn = choices.second;
      break;
    case 'jsonl':
      if (choices.text) req.textField = choices.text;
      if (choices.label) req.labelField = choices.label;
      if (choices.second) req.secondTextField = choices.second;
      break;
    case 'folder':
      break;
  }
  return req;
}
