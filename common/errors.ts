// LabError: the one error type that crosses the API boundary as a readable sentence with a code.
export type LabErrorCode =
  | 'invalid_input'   // the caller sent something wrong: fix the input
  | 'not_found'       // the id/name does not exist
  | 'conflict'        // e.g. a name already exists, a duplicate import
  | 'bad_file'        // a file that cannot be read as the chosen format
  | 'store'           // the database refused (corrupt, foreign, too new, read-only, full)
  | 'unavailable'     // a capability missing here (e.g. the Electron binary)
  | 'internal';

export class LabError extends Error {
  readonly code: LabErrorCode;
  /** the input field, file, or line the message is about, when there is one */
  readonly field?: string;
  readonly details?: unknown;

  constructor(code: LabErrorCode, message: string, opts: { field?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LabError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export function isLabError(e: unknown): e is LabError {
  return e instanceof LabError;
}
