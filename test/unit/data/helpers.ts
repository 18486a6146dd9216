// Test helpers for the importers: temp folders with real files, and draining readDocuments into docs + summary.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readDocuments, type ImportedDoc, type ImportOptions, type ImportSummary } from '../../../main/data/import/index';
import { LabError } from '../../../common/errors';

export interface TempDir {
  dir: string;
  /** writes a file (string as UTF-8, or raw bytes) below the temp dir, creating folders; returns its path */
  write(rel: string, content: string | Uint8Array): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'attention-lab-import-'));
  return {
    dir,
    write(rel, content) {
      const p = join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function importAll(path: string, opts: ImportOptions = {}): Promise<{ docs: ImportedDoc[]; summary: ImportSummary }> {
  const gen = readDocuments(path, opts);
  const docs: ImportedDoc[] = [];
  let step = await gen.next();
  while (step.done !== true) {
    docs.push(step.value);
    step = await gen.next();
  }
  return { docs, summary: step.value };
}

/** Runs `fn`, expects a LabError, and returns it (so tests can check code, field and the exact sentence). */
export async function labError(fn: () => Promise<unknown>): Promise<LabError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof LabError) return err;
    throw new Error(`expected a LabError, got: ${String(err)}`);
  }
  throw new Error('expected a LabError, but nothing was thrown');
}
