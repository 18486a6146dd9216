// Writing report outputs safely: refuse to overwrite without force, write to a temporary name beside the target and
// rename it into place, so a failure (folder, permissions, full disk) leaves no half-written file behind.
import fs from 'node:fs';
import path from 'node:path';
import { LabError } from '../../common/errors';
import { checkPathText } from '../../common/path-text';

/**
 * Checks an output path before any work: its text (checkPathText), not a folder (for a file), parent exists and is
 * writable, no overwrite without force. `field` names the input the path came in (default 'out').
 */
export function checkOutputPath(out: string, opts: { force: boolean; folder?: boolean; example?: string; field?: string }): string {
  const field = opts.field ?? 'out';
  checkPathText(out, { field, what: 'The output path' });
  const abs = path.resolve(out);
  const parent = path.dirname(abs);
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(abs);
  } catch {
    stat = null;
  }
  if (stat !== null) {
    if (!opts.folder && stat.isDirectory()) {
      throw new LabError('invalid_input', `${abs} is a folder; give a file name inside it, e.g. ${path.join(abs, opts.example ?? 'report.html')}.`, { field });
    }
    if (opts.folder && !stat.isDirectory()) {
      throw new LabError('invalid_input', `${abs} is a file; this export writes a folder (one sub-folder per run): give a folder path.`, { field });
    }
    if (!opts.force) {
      throw new LabError('conflict', `${abs} already exists; add --force to replace it, or choose another path.`, { field });
    }
  }
  let parentStat: fs.Stats;
  try {
    parentStat = fs.statSync(parent);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw underFile(abs, field);
    throw new LabError('invalid_input', `The folder ${parent} does not exist; create it first or choose another path.`, { field });
  }
  if (!parentStat.isDirectory()) throw underFile(abs, field);
  try {
    fs.accessSync(parent, fs.constants.W_OK);
  } catch {
    throw new LabError('invalid_input', `The folder ${parent} is not writable (permission denied); choose a folder you can write to.`, { field });
  }
  return abs;
}

/** The nearest part of `abs` (itself excluded) that exists: [its path, its stat]. */
function nearestExisting(abs: string): [string, fs.Stats] {
  for (let at = path.dirname(abs); ; at = path.dirname(at)) {
    try {
      return [at, fs.statSync(at)];
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || at === path.dirname(at)) throw e;
    }
  }
}

function underFile(abs: string, field: string): LabError {
  const [file] = nearestExisting(abs);
  return new LabError('invalid_input', `The output path ${JSON.stringify(abs)} goes under ${JSON.stringify(file)}, which is a file, not a folder; choose a path inside a folder.`, { field });
}

/**
 * For an export that creates its file or folder (and any missing folders above it): checks, before any work, the
 * path's text and that the nearest existing folder above `out` can really be written in (a trial sub-folder is made
 * and removed: permissions, a read-only file system or a refusing kernel all show). Returns the absolute path.
 */
export function checkWritablePlace(out: string, field = 'out'): string {
  checkPathText(out, { field, what: 'The output path' });
  const abs = path.resolve(out);
  const [at, stat] = nearestExisting(abs);
  if (!stat.isDirectory()) throw underFile(abs, field);
  try {
    fs.rmdirSync(fs.mkdtempSync(path.join(at, '.attention-lab-write-test-')));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : 'the system refused to write there';
    throw new LabError('invalid_input', `The output path ${JSON.stringify(abs)} cannot be written: ${why} (${JSON.stringify(at)}). Choose a folder you can write to.`, { field, cause: e });
  }
  return abs;
}

/** A temporary path beside `abs` (same folder, so the final rename is atomic on one file system). */
export function tempBeside(abs: string): string {
  return path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
}

/** Turns a file-system error while writing into a sentence that names the path and says what to do. */
export function writeError(e: unknown, abs: string): LabError {
  if (e instanceof LabError) return e;
  const err = e as NodeJS.ErrnoException;
  const what: Record<string, string> = {
    ENOSPC: `The disk holding ${path.dirname(abs)} is full, so ${path.basename(abs)} was not written (nothing was left behind); free some space or choose another disk.`,
    EDQUOT: `Your disk quota is used up, so ${path.basename(abs)} was not written (nothing was left behind); free some space or choose another disk.`,
    EACCES: `Permission denied while writing ${abs}; nothing was left behind. Choose a folder you can write to.`,
    EPERM: `The system refused to write ${abs}; nothing was left behind. Choose a folder you can write to.`,
    EROFS: `${path.dirname(abs)} is on a read-only file system, so ${path.basename(abs)} was not written; choose another folder.`,
    EISDIR: `${abs} is a folder; give a file name inside it.`,
  };
  const message = (err.code && what[err.code]) ?? `Writing ${abs} failed (${err.message}); nothing was left behind.`;
  return new LabError('invalid_input', message, { field: 'out', cause: e });
}

/**
 * Runs `write(tempPath)` and renames the result onto `abs` (a file, or a folder when the writer made one). On failure
 * the temporary file or folder is removed and the error comes back as a sentence; an existing target is only
 * replaced once the new one is complete.
 */
export async function writeAtomically<T>(abs: string, write: (temp: string) => Promise<T> | T): Promise<T> {
  const temp = tempBeside(abs);
  try {
    const result = await write(temp);
    replace(temp, abs);
    return result;
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw writeError(e, abs);
  }
}

/** Moves temp onto abs; a folder target is moved aside first (rename cannot replace a non-empty folder) and then removed. */
function replace(temp: string, abs: string): void {
  if (fs.existsSync(abs) && fs.statSync(abs).isDirectory()) {
    const aside = tempBeside(abs);
    fs.renameSync(abs, aside);
    try {
      fs.renameSync(temp, abs);
    } catch (e) {
      fs.renameSync(aside, abs);
      throw e;
    }
    fs.rmSync(aside, { recursive: true, force: true });
    return;
  }
  fs.renameSync(temp, abs);
}

/** A write stream to `file` whose end (all bytes flushed and closed) can be awaited, with backpressure via `write`. */
export class StreamOut {
  private readonly stream: fs.WriteStream;
  private failure: Error | null = null;

  constructor(file: string) {
    this.stream = fs.createWriteStream(file, { flags: 'wx' });
    this.stream.on('error', (e) => (this.failure = e));
  }

  /** Writes text, waiting for the stream to drain when its buffer is full (bounded memory). */
  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (e: Error): void => reject(e);
        this.stream.once('error', onError);
        this.stream.once('drain', () => {
          this.stream.off('error', onError);
          resolve();
        });
      });
    }
  }

  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    if (this.failure) throw this.failure;
  }

  destroy(): void {
    this.stream.destroy();
  }
}
