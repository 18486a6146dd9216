// A folder of text files: one document per file, labelled by its first-level sub-folder (the usual labelled layout).
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { LabError, isLabError } from '../../../common/errors';
import type { InvalidLog } from './invalid';
import { displayName, fsError } from './source';
import { hashFile, openTextFile } from './stream';
import type { ImportedDoc, ImportOptions, ProgressFn } from './types';

const TEXT_EXTENSIONS = new Set(['.txt', '.text', '.md', '.markdown']);

export interface FolderFile {
  /** path relative to the folder, '/'-separated */
  rel: string;
  abs: string;
  bytes: number;
}

/** Default file filter: .txt/.md files and files without an extension (e.g. Brown corpus "ca01"). */
export function isTextFileName(rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const ext = extname(base).toLowerCase();
  return ext === '' || TEXT_EXTENSIONS.has(ext);
}

/** Default label: the first-level sub-folder ("pos/a.txt" → "pos"); files at the root are unlabelled. */
export function firstFolderLabel(rel: string): string | null {
  const slash = rel.indexOf('/');
  return slash === -1 ? null : rel.slice(0, slash);
}

/**
 * Lists the files to import below `root`, sorted by relative path so imports are reproducible. Hidden files and
 * folders (".git", ".DS_Store") are skipped; symbolic links are not followed (they can loop).
 */
export async function listFolder(root: string, include: (rel: string) => boolean = isTextFileName): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      throw fsError(err, dir);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs, rel);
      else if (e.isFile() && include(rel)) {
        try {
          out.push({ rel, abs, bytes: (await stat(abs)).size });
        } catch (err) {
          throw fsError(err, abs);
        }
      }
    }
  }
  await walk(root, '');
  if (out.length === 0) {
    throw new LabError(
      'bad_file',
      `${displayName(root)} has no text files (.txt, .md or files without an extension) in it or its sub-folders: choose a folder of text files.`,
      { field: root },
    );
  }
  return out;
}

/** True for failures that mean the file changed or vanished under us (the import must stop), not a bad file. */
function isVanished(err: unknown): boolean {
  if (!isLabError(err)) return false;
  const cause = (err as { cause?: unknown }).cause as NodeJS.ErrnoException | undefined;
  return cause?.code === 'ENOENT' || (err.details as { changed?: boolean } | undefined)?.changed === true;
}

/** One file's share of a folder's sha256: "rel\0<file sha256 hex>\n", fed in sorted order. */
export function folderHashEntry(rel: string, fileSha256: string): string {
  return `${rel}\0${fileSha256}\n`;
}

export interface FolderResult {
  encoding: string;
  sha256: string;
  bytes: number;
  files: number;
}

/**
 * Reads each listed file whole (one document per file) with streaming decode. Binary, empty, unreadable and
 * undecodable files are skipped and logged; a file that vanishes or shrinks mid-import stops it with an error.
 * The sha256 covers every listed file's relative path and bytes (skipped ones too), so renaming or editing any
 * file changes it.
 */
export async function* readFolder(
  root: string,
  opts: ImportOptions,
  log: InvalidLog,
  onProgress?: ProgressFn,
): AsyncGenerator<ImportedDoc, FolderResult, void> {
  const files = await listFolder(root, opts.include);
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const hash = createHash('sha256');
  const encodings = new Set<string>();
  let doneBefore = 0;
  let imported = 0;
  for (const f of files) {
    let text: string;
    try {
      const file = await openTextFile(f.abs, { encoding: opts.encoding, onBytes: (d) => onProgress?.(doneBefore + d, total) });
      const parts: string[] = [];
      for await (const chunk of file.chunks()) parts.push(chunk);
      text = parts.join('');
      encodings.add(file.encoding);
      hash.update(folderHashEntry(f.rel, file.sha256()));
    } catch (err) {
      if (isVanished(err)) {
        throw new LabError(
          'bad_file',
          `${f.rel} in ${displayName(root)} vanished or changed while the folder was being imported: let it settle, then import the folder again.`,
          { field: f.abs, cause: err },
        );
      }
      if (!isLabError(err)) throw err;
      log.add(f.rel, 0, err.message);
      hash.update(folderHashEntry(f.rel, await hashFile(f.abs).catch(() => 'unreadable')));
      continue;
    } finally {
      doneBefore += f.bytes;
    }
    if (opts.transform) text = opts.transform(text, f.rel);
    if (text.trim() === '') continue;
    imported++;
    const label = opts.labelOf ? opts.labelOf(f.rel) : firstFolderLabel(f.rel);
    if (opts.linesAsDocuments === true) {
      for (const line of text.split('\n')) {
        const item = line.trim();
        if (item !== '') yield { text: item, label };
      }
      continue;
    }
    yield { text, label };
  }
  onProgress?.(total, total);
  const used = [...encodings].sort();
  return {
    encoding: used.length === 0 ? 'none' : used.length === 1 ? used[0] : `mixed (${used.join(', ')})`,
    sha256: hash.digest('hex'),
    bytes: total,
    files: imported,
  };
}
