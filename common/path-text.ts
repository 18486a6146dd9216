// One check of a path's text before any file-system call: a NUL character, a name longer than file systems allow or a
// path longer than the system takes is named as such. A channel that first asks "does it exist?" would otherwise
// answer "there is no file at …" and send the person looking for a file that could never exist; a writer would fail
// deep inside (or in a worker, where the error loses its code) with a message about a temporary name.
import { LabError } from './errors';

/** The most bytes one name (a path component) may have on the file systems the lab runs on (ext4, APFS, NTFS). */
export const MAX_NAME_BYTES = 255;
/** The most bytes a whole path may have (Linux PATH_MAX, less its terminating NUL). */
export const MAX_PATH_BYTES = 4095;

/** The UTF-8 length of `s` in bytes (what file systems count). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A path or name as a message quotes it: JSON (so a NUL shows as \u0000), long ones cut in the middle. */
export function quotedPath(p: string): string {
  return JSON.stringify(p.length > 90 ? `${p.slice(0, 40)}…${p.slice(-40)}` : p);
}

/**
 * Returns `p` when its text can name a file; otherwise throws LabError('invalid_input') on `field` (default 'path')
 * with a sentence naming the problem and what to do. `what` says what the path is for ("The ONNX file").
 */
export function checkPathText(p: string, opts: { field?: string; what?: string } = {}): string {
  const field = opts.field ?? 'path';
  const what = opts.what ?? 'The path';
  if (p.includes('\0')) {
    throw new LabError('invalid_input', `${what} ${quotedPath(p)} contains a NUL character (\\u0000), which no file name can hold; type the path again without it.`, { field });
  }
  const long = p.split(/[\\/]/).find((name) => utf8Length(name) > MAX_NAME_BYTES);
  if (long !== undefined) {
    throw new LabError('invalid_input', `${what} ${quotedPath(p)} has a name of ${utf8Length(long)} bytes (${quotedPath(long)}); file systems allow at most ${MAX_NAME_BYTES} bytes per name. Choose a shorter name.`, { field });
  }
  if (utf8Length(p) > MAX_PATH_BYTES) {
    throw new LabError('invalid_input', `${what} ${quotedPath(p)} is ${utf8Length(p)} bytes long; this system takes paths of at most ${MAX_PATH_BYTES} bytes. Choose a shorter path.`, { field });
  }
  return p;
}
