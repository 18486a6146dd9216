// A real lab home for the seq2seq integration tests (pair files, pair datasets, per-side tokenizers): a fresh home and
// a folder for the test's own input files under the system temp dir, one job at a time, removed again afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, type Lab } from '../../main/lab/index';

export interface TempLab {
  home: string;
  /** where the test writes the files it imports */
  dir: string;
  lab: Lab;
}

/** A lab on a fresh home (CLI mode, concurrency 1) and an empty folder for input files; `name` tells the temp dirs apart. */
export function openTempLab(name: string): TempLab {
  const home = mkdtempSync(join(tmpdir(), `lab-${name}-`));
  const dir = mkdtempSync(join(tmpdir(), `${name}-files-`));
  return { home, dir, lab: createLab({ home, mode: 'cli', jobs: { concurrency: 1 } }) };
}

/** Closes the lab (the one open now: a test may have reopened it) and removes both folders; safe after a failed open. */
export function closeTempLab(t: Partial<TempLab>): void {
  t.lab?.close();
  if (t.home !== undefined) rmSync(t.home, { recursive: true, force: true });
  if (t.dir !== undefined) rmSync(t.dir, { recursive: true, force: true });
}
