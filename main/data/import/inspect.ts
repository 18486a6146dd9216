// inspectSource: what an import would see — format, encoding, size, hash, columns/fields/labels and a short preview.
import { createHash } from 'node:crypto';
import { ellipsize } from '../text';
import { delimitedRows, DEFAULT_TEXT_COLUMNS } from './delimited';
import { folderHashEntry, firstFolderLabel, listFolder } from './folder';
import { readPlain } from './plain';
import { resolveSource } from './source';
import { hashFile, lines, openTextFile, type TextFile } from './stream';
import type { EncodingChoice, ImportFormat, SourceInspection } from './types';

const PREVIEW_DOCS = 5;
const PREVIEW_CHARS = 200;
const PREVIEW_WHOLE_CHARS = 800;
/** UTF-16 units of a paragraph kept for its preview: PREVIEW_CHARS + 1 code points even if every one is astral */
const KEEP_UNITS = (PREVIEW_CHARS + 1) * 2;
/** JSONL lines looked at to list the fields */
const FIELD_SCAN_LINES = 50;

/**
 * The first paragraphs as 'paragraphs' mode cuts them (blank-line-separated blocks, trimmed), each kept only up to what
 * its preview shows: a file without blank lines is one paragraph, and reading it through readPlain would hold the
 * whole file (a 200 MB text: every line in one array, then one string) just to show 200 characters of it.
 */
async function previewPlain(file: TextFile): Promise<string[]> {
  const out: string[] = [];
  let block = '';
  let started = false;
  const flush = () => {
    const text = block.trim();
    if (text !== '') out.push(ellipsize(text, PREVIEW_CHARS));
    block = '';
    started = false;
  };
  for await (const { line } of lines(file.chunks())) {
    if (line.trim() === '') {
      if (started) flush();
      if (out.length >= PREVIEW_DOCS) break;
      continue;
    }
    // one code point past the preview (at most two UTF-16 units each) is enough for ellipsize to know the text was cut
    if (block.length <= KEEP_UNITS) block += (started ? '\n' : '') + line.slice(0, KEEP_UNITS + 1);
    started = true;
  }
  if (started && out.length < PREVIEW_DOCS) flush();
  return out;
}

/** The text's start as the 'whole' mode reads it: line breaks kept, cut on a code point. */
async function previewWhole(file: TextFile): Promise<string> {
  for await (const doc of readPlain(file, 'whole')) return ellipsize(doc.text, PREVIEW_WHOLE_CHARS);
  return '';
}

async function previewDelimited(file: TextFile, format: 'csv' | 'tsv'): Promise<{ columns: string[]; preview: string[] }> {
  let columns: string[] = [];
  let textIdx = -1;
  const preview: string[] = [];
  for await (const { record } of delimitedRows(file, format)) {
    if (columns.length === 0) {
      columns = record.map((c) => c.trim());
      textIdx = columns.findIndex((c) => DEFAULT_TEXT_COLUMNS.includes(c.toLowerCase()));
      continue;
    }
    // without a known text column, show whole rows so the user can see which column holds the text
    preview.push(ellipsize(textIdx === -1 ? record.join(' | ') : record[textIdx] ?? '', PREVIEW_CHARS));
    if (preview.length >= PREVIEW_DOCS) break;
  }
  return { columns, preview };
}

async function previewJsonl(file: TextFile): Promise<{ fields: string[]; preview: string[] }> {
  const fields = new Set<string>();
  const preview: string[] = [];
  let seen = 0;
  for await (const { line } of lines(file.chunks())) {
    const t = line.trim();
    if (t === '') continue;
    if (++seen > FIELD_SCAN_LINES) break;
    let obj: unknown;
    try {
      obj = JSON.parse(t.replace(/^\uFEFF/, ''));
    } catch {
      continue;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) continue;
    const rec = obj as Record<string, unknown>;
    for (const k of Object.keys(rec)) fields.add(k);
    if (preview.length < PREVIEW_DOCS && typeof rec.text === 'string') preview.push(ellipsize(rec.text, PREVIEW_CHARS));
    else if (preview.length < PREVIEW_DOCS) preview.push(ellipsize(t, PREVIEW_CHARS));
  }
  return { fields: [...fields], preview };
}

async function inspectFolder(path: string, encoding: EncodingChoice): Promise<SourceInspection> {
  const files = await listFolder(path);
  const labels = new Set<string>();
  const hash = createHash('sha256');
  const preview: string[] = [];
  let detected: string | null = null;
  for (const f of files) {
    const label = firstFolderLabel(f.rel);
    if (label !== null) labels.add(label);
    if (preview.length < PREVIEW_DOCS) {
      try {
        const file = await openTextFile(f.abs, { encoding });
        detected ??= file.encoding;
        const docs = await previewPlain(file);
        if (docs.length > 0) preview.push(ellipsize(`${f.rel}: ${docs[0]}`, PREVIEW_CHARS));
      } catch {
        // a bad file is reported by the import itself; the preview just shows the next one
      }
    }
    hash.update(folderHashEntry(f.rel, await hashFile(f.abs).catch(() => 'unreadable')));
  }
  return {
    path,
    format: 'folder',
    encoding: detected ?? encoding,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    sha256: hash.digest('hex'),
    labels: [...labels].sort(),
    files: files.length,
    preview,
  };
}

/**
 * Looks at a source before importing it: resolves format and encoding (throwing the same LabErrors an import would
 * for missing, binary, empty or undecodable files), hashes all its bytes (for duplicate detection; the hash equals
 * the import summary's), and previews the first documents.
 */
export async function inspectSource(path: string, opts: { format?: ImportFormat; encoding?: EncodingChoice } = {}): Promise<SourceInspection> {
  const src = await resolveSource(path, opts.format);
  const encoding = opts.encoding ?? 'auto';
  if (src.format === 'folder') return inspectFolder(path, encoding);

  const file = await openTextFile(path, { encoding });
  const base = { path, format: src.format, encoding: file.encoding, bytes: file.bytes };
  let extra: Partial<SourceInspection> & { preview: string[] };
  if (src.format === 'csv' || src.format === 'tsv') extra = await previewDelimited(file, src.format);
  else if (src.format === 'jsonl') extra = await previewJsonl(file);
  else extra = { preview: await previewPlain(file), previewWhole: await previewWhole(await openTextFile(path, { encoding })) };
  return { ...base, ...extra, sha256: await hashFile(path) };
}
