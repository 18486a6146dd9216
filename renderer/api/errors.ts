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

/** What a form shows for an API field path ('settings.memoryMB' → 'Memory budget (MiB)'), or undefined. */
export type FieldLabel = (field: string) => string | undefined;

/**
 * The sentence to show in a form: the API's field names become the labels the person sees. The lab's sentences name
 * fields as the API spells them — the boundary's 'Field "settings.memoryMB": must be at least 16, received 8.' and a
 * service's 'memoryMB is 8, but …' (its error's field, first in the sentence) — which a form never shows.
 */
export function formErrorMessage(e: unknown, label: FieldLabel): string {
  let message = errorMessage(e).replace(/\bField "([^"]+)"/g, (whole, field: string) => label(field) ?? whole);
  const field = e instanceof LabApiError ? e.field : undefined;
  const shown = field === undefined ? undefined : label(field);
  const bare = field?.split('.').at(-1);
  if (shown !== undefined && bare !== undefined && message.startsWith(`${bare} `)) message = `${shown}${message.slice(bare.length)}`;
  return message;
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
