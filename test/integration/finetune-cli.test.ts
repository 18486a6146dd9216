// `attention-lab finetune-baseline` on the command line goes through lab.call (finetune.baseline with a taskId): the
// report as JSON on stdout, the call's own lines (runs.log events tagged with that taskId) on stderr, a bad value
// refused with the API's sentence. Seconds: TF-IDF + LR on the names sample.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../../main/lab/index';

const BIN = join(import.meta.dirname, '..', '..', 'main', 'cli', 'bin.mjs');
let home: string;

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, '--home', home, ...args], { encoding: 'utf8', timeout: 60_000 });
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-ftcli-'));
  const lab = createLab({ home, mode: 'cli' });
  await lab.call('datasets.importSample', { sampleId: 'names' });
  lab.close();
}, 60_000);

afterAll(() => {
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('attention-lab finetune-baseline', () => {
  it('prints the report as JSON and its lines on stderr (the default split made, the features and their score)', () => {
    const r = cli('finetune-baseline', '--dataset', 'First names', '--analyzer', 'char_wb', '--labels', '16', '--seed', '3', '--json');
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { runId: number; classes: string[]; evaluatedOn: string; macroF1: number };
    expect(report.classes).toEqual(['female', 'male']);
    expect(report.evaluatedOn).toBe('test');
    expect(r.stderr).toContain('had no split, so a stratified one was made');
    expect(r.stderr).toMatch(new RegExp(`TF-IDF \\(\\d+ character n-gram features\\) \\+ logistic regression: macro-F1 ${report.macroF1.toFixed(3)} on test`));
    const bad = cli('finetune-baseline', '--dataset', 'First names', '--C=-1');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('Field "C": must be more than 0, received -1.');
  });
});
