// Argument checks shared by every kernel family's wrapper (checks.ts, alignment-checks.ts): buffer types and lengths,
// dimensions, finite numbers, index ranges, each failing with a LabError sentence that names the kernel and argument.

import { LabError } from '../common/errors';

type Buffer = Float32Array | Int32Array | Uint8Array;
export type BufferKind = 'Float32Array' | 'Int32Array' | 'Uint8Array';

export function fail(kernel: string, message: string, field?: string): never {
  throw new LabError('invalid_input', `${kernel}: ${message}`, { field });
}

export function dim(kernel: string, name: string, value: number, min = 0): void {
  if (!Number.isInteger(value) || value < min) {
    fail(kernel, `${name} is ${String(value)}, but it must be an integer >= ${min}.`, name);
  }
}

export function buf(kernel: string, name: string, value: unknown, kind: BufferKind, needed: number, formula: string): void {
  const ctor = kind === 'Float32Array' ? Float32Array : kind === 'Int32Array' ? Int32Array : Uint8Array;
  if (!(value instanceof ctor)) {
    const got = value === null ? 'null' : value === undefined ? 'undefined' : (value as object).constructor?.name ?? typeof value;
    fail(kernel, `${name} is a ${got}, but it must be a ${kind}.`, name);
  }
  const length = (value as Buffer).length;
  if (length < needed) {
    fail(kernel, `${name} has ${length} ${kind === 'Float32Array' ? 'floats' : 'elements'}, needs ${formula} = ${needed}.`, name);
  }
}

export function optBuf(kernel: string, name: string, value: unknown, kind: BufferKind, needed: number, formula: string): void {
  if (value !== null) buf(kernel, name, value, kind, needed, formula);
}

export function finite(kernel: string, name: string, value: number): void {
  if (!Number.isFinite(value)) fail(kernel, `${name} is ${String(value)}, but it must be a finite number.`, name);
}

/** Every index must lie in [0, limit) (or equal `allowed`, e.g. an ignore index); reports the first offender. */
export function indices(kernel: string, name: string, values: Int32Array, count: number, limit: number, what: string, allowed?: number): void {
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if ((v < 0 || v >= limit) && v !== allowed) {
      const extra = allowed === undefined ? '' : ` or the ignore index ${allowed}`;
      fail(kernel, `${name}[${i}] is ${v}, outside [0, ${limit}) (${what})${extra}.`, name);
    }
  }
}
