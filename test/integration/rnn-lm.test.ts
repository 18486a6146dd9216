// The RNN language models (GRU, LSTM) as a trainable family end to end: `attention-lab train --model gru` on native
// kernels (the run, its falling curves, continuation samples and resumable checkpoints in the store), the same family
// through runs.start and the scheduler's worker (LSTM), stop and resume continuing the curve, and `sample` continuing a
// prompt from the checkpoint.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetailT, RunT } from '../../common/api';
import { runCli } from '../../main/cli/index';
import { createLab } from '../../main/lab/index';
import type { TrainOutcome } from '../../main/lab/runs/training';
import { storyText } from '../unit/compare/story';

let home: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lab-rnn-'));
  writeFileSync(join(home, 'story.txt'), storyText(60));
  const r = await cli('datasets', 'import', join(home, 'story.txt'), '--name', 'story', '--mode', 'paragraphs');
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('RNN language models', () => {
  let gru: TrainOutcome;
  it('`train --model gru` trains on native kernels and records the run like GPT\'s', async () => {
    const r = await cli('train', '--dataset', 'story', '--model', 'gru', '--preset', 'tiny', '--steps', '40', '--eval-every', '20', '--json');
    expect(r.code, r.stderr).toBe(0);
    gru = JSON.parse(r.stdout) as TrainOutcome;
    expect(gru.family).toBe('gru');
    expect(gru.status).toBe('completed');
    expect(gru.backend).toMatch(/native/);
    expect(gru.steps).toBe(40);
    // 2 x 128 GRU over a char vocabulary: embedding + 2 layers (3 gates) + decoder
    expect(gru.parameters).toBeGreaterThan(150_000);
    expect(gru.lastTrainLoss as number).toBeLessThan((gru.firstTrainLoss as number) - 0.3);
    expect(gru.bestValLoss as number).toBeLessThan(gru.firstValLoss as number);
    const lab = createLab({ home, mode: 'cli' });
    try {
      const run = (await lab.call('runs.get', { id: gru.runId })) as RunDetailT;
      expect(run.family).toBe('gru');
      expect((run.config as { model: { family: string; nLayer: number } }).model).toMatchObject({ family: 'gru', nLayer: 2 });
      expect(run.samples.filter((s) => s.kind === 'continuation').length).toBeGreaterThanOrEqual(2);
      expect(run.artifacts.some((a) => a.kind === 'checkpoint' && a.step === 40 && a.meta.resumable === true)).toBe(true);
      expect((await lab.call('runs.list', {}) as RunT[]).map((x) => x.family)).toContain('gru');
    } finally {
      lab.close();
    }
  }, 480_000);

  it('`sample` continues a prompt from the GRU checkpoint (the newest, or --step), the same with the same seed', async () => {
    const a = await cli('sample', String(gru.runId), '--prompt', 'The cat', '--max-tokens', '30', '--seed', '3', '--json');
    expect(a.code, a.stderr).toBe(0);
    const out = JSON.parse(a.stdout) as { continuation: string; tokens: number; step: number };
    expect(out.step).toBe(40);
    expect(out.tokens).toBe(30);
    const b = JSON.parse((await cli('sample', String(gru.runId), '--prompt', 'The cat', '--max-tokens', '30', '--seed', '3', '--json')).stdout) as { continuation: string };
    expect(b.continuation).toBe(out.continuation);
    // --step picks a saved checkpoint, as for GPT; a step with none is refused with the steps the run has
    const at = JSON.parse((await cli('sample', String(gru.runId), '--prompt', 'The cat', '--max-tokens', '30', '--seed', '3', '--step', '40', '--json')).stdout) as { continuation: string; step: number };
    expect(at).toMatchObject({ step: 40, continuation: out.continuation });
    const missing = await cli('sample', String(gru.runId), '--prompt', 'The cat', '--step', '7');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/has no checkpoint at step 7; it has .*40/);
  }, 60_000);

  it('an LSTM through runs.start and a worker; stopped, then resumed to its end from the checkpoint', async () => {
    const lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
    try {
      const started = (await lab.call('runs.start', { dataset: 'story', family: 'lstm', preset: 'tiny', steps: 150, evalEvery: 50, checkpointEvery: 1000 })) as RunT;
      expect(started.family).toBe('lstm');
      for (let i = 0; i < 600; i++) {
        const r = (await lab.call('runs.get', { id: started.id })) as RunDetailT;
        if (r.step >= 5) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      await lab.call('runs.stop', { id: started.id });
      await lab.jobs.scheduler.idle([started.id]);
      const stopped = (await lab.call('runs.get', { id: started.id })) as RunDetailT;
      expect(stopped.status).toBe('stopped');
      expect(stopped.artifacts.some((a) => a.kind === 'checkpoint' && a.meta.resumable === true)).toBe(true);
      await lab.call('runs.resume', { id: started.id });
      await lab.jobs.scheduler.idle([started.id]);
      const done = (await lab.call('runs.get', { id: started.id })) as RunDetailT;
      expect(done.status, done.error ?? '').toBe('completed');
      expect(done.step).toBe(150);
      expect(done.metrics['train/loss'].count).toBe(150);
    } finally {
      lab.close();
    }
  }, 480_000);
});
