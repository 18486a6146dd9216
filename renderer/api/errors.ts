// LabApiError: an API failure as the renderer sees it — the service's sentence plus its code and field.
import type { ApiErrorShape } from '../../common/api';

export class LabApiError extends Error {
  readonly code: string;
  readonly field?: string;

  constructor(shape: ApiErrorShape) {
    super(shape.message);
    this.name = 'LabApiError';
    this.code = shape.code;
    this.field = shape.field;
  }
}

/** The sentence to show for any thrown value: the API's own message when it is one. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Electron's ipcRenderer.invoke wraps remote errors as "Error invoking remote method 'lab:call': Error: <msg>". */
export function unwrapIpcError(e: unknown): LabApiError {
  const raw = e instanceof Error ? e.message : String(e);
  const inner = raw.replace(/^Error invoking remote method '[^']+':\s*(\w*Error:\s*)?/, '');
  const code = (e as { code?: unknown }).code;
  const field = (e as { field?: unknown }).field;
  return new LabApiError({
    message: inner,
    code: typeof code === 'string' ? code : 'internal',
    field: typeof field === 'string' ? field : undefined,
  });
}
