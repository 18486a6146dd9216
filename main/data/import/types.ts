// Types shared by the importers: the formats, encodings and options a caller picks, and what an import yields.

export type ImportFormat = 'txt' | 'md' | 'csv' | 'tsv' | 'jsonl' | 'folder';
export type EncodingChoice = 'auto' | 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
/** an encoding actually used to decode bytes ('auto' resolved) */
export type ResolvedEncoding = Exclude<EncodingChoice, 'auto'>;

export interface ImportOptions {
  format?: ImportFormat;
  encoding?: EncodingChoice;
  /** txt/md only: one document for the whole file, or one per blank-line-separated block (default) */
  mode?: 'whole' | 'paragraphs';
  /** csv/tsv: header name of the text column (default: text/content/sentence/review) and of an optional label column */
  textColumn?: string;
  labelColumn?: string;
  /** csv/tsv: header name of the second text of a sentence-pair task (a row without it is skipped and named) */
  secondTextColumn?: string;
  /** jsonl: key of the text (default "text") and of an optional label (default "label" when lines have it) */
  textField?: string;
  labelField?: string;
  /** jsonl: key of the second text of a sentence-pair task */
  secondTextField?: string;
  /** jsonl: import the valid lines and report the invalid ones instead of refusing the file */
  skipInvalid?: boolean;
  /** for folders and samples: strip Brown-corpus style '/tag' suffixes etc. — optional per-file transform
   *  (folder: applied to each file's text; single files: applied to each document) */
  transform?: (text: string, file: string) => string;
  /** folder only: keep a file (path relative to the folder, '/'-separated) — default: every .txt, .md, extension-less file */
  include?: (relPath: string) => boolean;
  /** folder only: the label of a file (relative path) — default: its first-level sub-folder name, null at the root */
  labelOf?: (relPath: string) => string | null;
  /** folder only: every non-empty line of a file is a document with the file's label (a list of names, one per line) */
  linesAsDocuments?: boolean;
}

export interface ImportedDoc {
  text: string;
  label: string | null;
  /** the second text of a sentence pair (premise/hypothesis, question/answer), when the import names one */
  textB?: string | null;
}

export interface InvalidEntry {
  /** the file's path (for folders: the file inside the folder) */
  file: string;
  /** 1-based line number; 0 when the problem is the whole file */
  line: number;
  message: string;
}

export interface ImportSummary {
  format: ImportFormat;
  /** the encoding used, e.g. "utf-8", "gb18030"; a folder whose files differ says "mixed (gb18030, utf-8)" */
  encoding: string;
  /** hex sha256 of the bytes read (a folder: of every file's relative path and bytes, in sorted order) */
  sha256: string;
  bytes: number;
  files: number;
  /** the first 100 skipped lines/files */
  invalid: InvalidEntry[];
  invalidCount: number;
}

export interface SourceInspection {
  path: string;
  format: ImportFormat;
  encoding: string;
  bytes: number;
  sha256: string;
  /** csv/tsv header */
  columns?: string[];
  /** jsonl keys seen in the first lines */
  fields?: string[];
  /** folder: labels (first-level sub-folders) and text file count */
  labels?: string[];
  files?: number;
  /** the first few documents, shortened (txt/md: as paragraphs) */
  preview: string[];
  /** txt/md: the start of the text as one document ('whole' mode), line breaks kept */
  previewWhole?: string;
}

export type ProgressFn = (doneBytes: number, totalBytes: number) => void;

/** How many invalid entries a summary keeps (the count covers all of them). */
export const MAX_INVALID_KEPT = 100;
