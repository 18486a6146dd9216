// Resolving what a path is before reading it: the format from its extension, and file-system failures as sentences.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { LabError } from '../../../common/errors';
import type { ImportFormat } from './types';

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The name used in messages: the file's base name (full paths make sentences unreadable). */
export function displayName(path: string): string {
  return basename(path) || path;
}

/** true when `path` names an existing regular file (false for folders, missing paths and paths through a file) */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Turns a Node file-system error into a LabError that says what happened and what to do; other errors pass through.
 * `during` names when it happened, for files that vanish mid-import.
 */
export function fsError(err: unknown, path: string, during: 'open' | 'read' = 'open'): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const name = displayName(path);
  switch (code) {
    case 'ENOENT':
      return during === 'read'
        ? new LabError('bad_file', `${name} vanished while it was being imported: put it back (or choose another file) and import again.`, { field: path, cause: err })
        : new LabError('bad_file', `${name} does not exist at ${path}: check the path.`, { field: path, cause: err });
    case 'EACCES':
    case 'EPERM':
      return new LabError('bad_file', `${name} cannot be read (permission denied): give your user read access to it or copy it somewhere readable.`, { field: path, cause: err });
    case 'EISDIR':
      return new LabError('bad_file', `${name} is a folder, not a file: choose the folder format or a file inside it.`, { field: path, cause: err });
    case 'ENOTDIR':
      // the path is a file read as a folder, or a part before its last "/" is a file (notes.txt/inner.txt)
      return isFile(path)
        ? new LabError('bad_file', `${path} is not a folder: choose a file format (txt, md, csv, tsv, jsonl) for it.`, { field: path, cause: err })
        : new LabError('invalid_input', `${JSON.stringify(path)} goes through a file as if it were a folder: a part of the path before the last "/" is a regular file. Check the path.`, { field: 'path', cause: err });
    case 'EMFILE':
    case 'ENFILE':
      return new LabError('bad_file', `${name} cannot be opened because too many files are open: close other programs and try again.`, { field: path, cause: err });
    case 'EIO':
      return new LabError('bad_file', `${name} could not be read (input/output error): the disk or network drive may be failing; copy the file elsewhere and try again.`, { field: path, cause: err });
    default:
      return err;
  }
}

export interface ResolvedSource {
  path: string;
  format: ImportFormat;
  isDirectory: boolean;
  /** file size in bytes (0 for folders; the folder walker sums its files) */
  bytes: number;
}

/**
 * Checks that `path` exists and fits the format (given, or taken from its extension / a directory = folder).
 * Throws LabError for missing or unreadable paths, a folder given for a file format and vice versa, unknown
 * extensions, and empty files.
 */
export async function resolveSource(path: string, format?: ImportFormat): Promise<ResolvedSource> {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new LabError('invalid_input', 'No path was given: choose a file or folder to import.', { field: 'path' });
  }
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fsError(err, path);
  }
  const name = displayName(path);
  if (info.isDirectory()) {
    if (format !== undefined && format !== 'folder') {
      throw new LabError('bad_file', `${name} is a folder, but the ${format} format reads a single file: choose the folder format or a file inside it.`, { field: path });
    }
    return { path, format: 'folder', isDirectory: true, bytes: 0 };
  }
  if (!info.isFile()) {
    throw new LabError('bad_file', `${name} is not a regular file (it is a device, socket or pipe): choose a text file.`, { field: path });
  }
  if (format === 'folder') {
    throw new LabError('bad_file', `${name} is a file, but the folder format reads a folder of files: choose its folder or a file format (txt, md, csv, tsv, jsonl).`, { field: path });
  }
  const ext = extname(path).toLowerCase();
  const resolved = format ?? FORMAT_BY_EXTENSION[ext];
  if (resolved === undefined) {
    throw new LabError(
      'bad_file',
      `${name} has the extension "${ext || '(none)'}", which does not say its format: choose one of txt, md, csv, tsv, jsonl.`,
      { field: path },
    );
  }
  if (info.size === 0) {
    throw new LabError('bad_file', `${name} is empty: nothing to import.`, { field: path });
  }
  return { path, format: resolved, isDirectory: false, bytes: info.size };
}
