// File-system failures as sentences: a Node fs error (ENOENT, ENOTDIR, a NUL in a path…) thrown anywhere below a
// channel becomes a 4xx LabError naming the path and saying what to do, instead of a 500 "Something went wrong".
import { LabError } from '../../../common/errors';

interface NodeFsError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
  message: string;
}

function isNodeFsError(e: unknown): e is NodeFsError {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code === 'ERR_INVALID_ARG_VALUE' || code === 'ERR_INVALID_ARG_TYPE');
}

/** A path as a message quotes it: JSON (so a NUL or a newline shows), long ones cut in the middle. */
function quotePath(path: string): string {
  const shown = path.length > 160 ? `${path.slice(0, 70)}…${path.slice(-70)}` : path;
  return JSON.stringify(shown);
}

/** The LabError for a Node fs error, or null when `e` is not one (or is one no person can act on). */
export function fsErrorToLabError(e: unknown): LabError | null {
  if (!isNodeFsError(e)) return null;
  const p = e.path === undefined ? 'the path' : quotePath(e.path);
  const field = 'path';
  const opts = { field, cause: e };
  switch (e.code) {
    case 'ERR_INVALID_ARG_VALUE':
    case 'ERR_INVALID_ARG_TYPE':
      // Node refuses paths holding a NUL character before touching the disk
      if (/null bytes|\\0|NUL/i.test(e.message)) return new LabError('invalid_input', 'The path contains a NUL character (\\u0000), which no file name can hold; type the path again without it.', opts);
      return null;
    case 'ENOENT':
      return new LabError('not_found', `There is no file or folder at ${p}; check the path and try again.`, opts);
    case 'ENOTDIR':
      return new LabError('invalid_input', `${p} goes through a file as if it were a folder; a part of the path before the last "/" is a regular file. Check the path.`, opts);
    case 'EISDIR':
      return new LabError('invalid_input', `${p} is a folder, but a file was expected there; give the path of a file.`, opts);
    case 'ENAMETOOLONG':
      return new LabError('invalid_input', `The path ${p} is too long for this file system (a name may have at most 255 bytes); choose a shorter name.`, opts);
    case 'EACCES':
    case 'EPERM':
      return new LabError('invalid_input', `Attention Lab is not allowed to ${e.syscall === 'open' || e.syscall === undefined ? 'use' : e.syscall} ${p}; check its permissions or choose another place.`, opts);
    case 'EEXIST':
      return new LabError('conflict', `${p} already exists; choose another name or remove it first.`, opts);
    case 'ENOSPC':
      return new LabError('unavailable', `The disk holding ${p} is full; free some space and try again.`, opts);
    case 'EROFS':
      return new LabError('invalid_input', `${p} is on a read-only file system; choose a writable place.`, opts);
    case 'ELOOP':
      return new LabError('invalid_input', `${p} goes through a loop of symbolic links; check the path.`, opts);
    default:
      return null;
  }
}
