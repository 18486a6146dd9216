// A whole experiment through the PyTorch DDP export: a BERT-vs-GPT comparison with 2 seeds (4 runs trained by the
// lab's scheduler) exports as one project — one data folder shared by the runs, one folder and one pair of launch
// scripts per run, a Slurm array of 4 tasks — the export's run_cpu.sh trains every run with PyTorch, and
// `runs import-torch` brings all four back into the experiment, each paired with its source run and with the same
// loss at every step.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentT, RunT, TorchExportResultT, TorchImportResultT } from '../../../common/api';
import { runCli } from '../../../main/cli/index';
import { createLab, type Lab } from '../../../main/lab/index';
import { storyParagraphs } from './fixtures';

const LOSS_TOLERANCE = 1e-4;
const STEPS = 4;

let base: string;
let home: string;
let out: string;
let lab: Lab;
let experiment: ExperimentT;
let exported: TorchExportResultT;
let imported: TorchImportResultT;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}

function bash(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lab-exp-export-'));
  home = join(base, 'home');
  out = join(base, 'export');
  writeFileSync(join(base, 'story.txt'), storyParagraphs(60).join('\n\n'));
  lab = createLab({ home, mode: 'cli', jobs: { concurrency: 1 } });
  await lab.call('datasets.import', { path: join(base, 'story.txt'), name: 'story', mode: 'paragraphs' });
  experiment = (await lab.call('experiments.create', { dataset: 'story', preset: 'tiny', budget: { steps: STEPS }, seeds: 2, lrSweep: false })) as ExperimentT;
  await lab.jobs.scheduler.idle();
  lab.close();
  const e = await cli('export-torch', String(experiment.id), '--experiment', '--out', out, '--json');
  expect(e.code, e.stderr).toBe(0);
  exported = JSON.parse(e.stdout) as TorchExportResultT;
  // every run of the export on one CPU rank (the 2-rank path is roundtrip.test.ts's); without PYTHON the script finds
  // a python3 that can import torch itself (here the pyenv python3 on PATH cannot, /usr/bin/python3 can)
  const ran = await bash(join(out, 'run_cpu.sh'), ['--threads', '1'], { RANKS: '1', PYTHON: process.env.ATTENTION_LAB_PYTHON ?? '' });
  expect(ran.output).not.toContain('No Python with PyTorch');
  expect(ran.code, ran.output).toBe(0);
  const i = await cli('runs', 'import-torch', out, '--json');
  expect(i.code, i.stderr).toBe(0);
  imported = JSON.parse(i.stdout) as TorchImportResultT;
  lab = createLab({ home, mode: 'cli' });
}, 300_000);

afterAll(() => {
  lab?.close();
  rmSync(base, { recursive: true, force: true });
});

describe('export-torch EXPERIMENT --experiment', () => {
  it('writes one project: the runs share one data folder, each run has its folder and launch scripts', async () => {
    const e = (await lab.call('experiments.get', { id: experiment.id })) as ExperimentT;
    const local = e.runs.filter((r) => r.origin !== 'external');
    expect(local.map((r) => r.family).sort()).toEqual(['bert', 'bert', 'gpt', 'gpt']);
    expect(local.every((r) => r.status === 'completed')).toBe(true);
    expect(exported.kind).toBe('experiment');
    expect(exported.runs.map((r) => r.labRunId).sort()).toEqual(local.map((r) => r.id).sort());
    expect(exported.runs.every((r) => r.checkpointStep === STEPS)).toBe(true);
    expect(exported.commands.cpu).toContain('run_cpu.sh');
    expect(readdirSync(join(out, 'data'))).toHaveLength(1);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(exported.runs.map((r) => r.slug).sort());
    for (const r of exported.runs) {
      const files = readdirSync(join(out, 'runs', r.slug));
      expect(files, r.slug).toEqual(expect.arrayContaining(['run.json', 'launch.sh', 'launch_cpu.sh', 'init', 'checkpoint']));
      const run = JSON.parse(readFileSync(join(out, 'runs', r.slug, 'run.json'), 'utf8')) as { model: { family: string; seed: number }; lab: { runId: number; experimentId: number } };
      const source = local.find((x) => x.id === r.labRunId) as RunT;
      expect(run.lab).toMatchObject({ runId: source.id, experimentId: experiment.id });
      expect(run.model.family).toBe(source.family);
      expect(run.model.seed).toBe(source.seed);
      expect(readFileSync(join(out, 'runs', r.slug, 'launch_cpu.sh'), 'utf8')).toContain(`--run runs/${r.slug}`);
    }
    // the two seeds differ, and each seed's GPT and BERT pair starts from it
    expect(new Set(local.map((r) => r.seed)).size).toBe(2);
    expect(readFileSync(join(out, 'slurm.sbatch'), 'utf8')).toContain('#SBATCH --array=0-3');
    const manifest = JSON.parse(readFileSync(join(out, 'export.json'), 'utf8')) as { kind: string; experimentId: number; runs: unknown[] };
    expect(manifest).toMatchObject({ kind: 'experiment', experimentId: experiment.id });
    expect(manifest.runs).toHaveLength(4);
  });

  it('import-torch brings every run back into the experiment, paired with its source, with the same losses', async () => {
    expect(imported.problems).toEqual([]);
    expect(imported.runs).toHaveLength(4);
    const e = (await lab.call('experiments.get', { id: experiment.id })) as ExperimentT;
    for (const r of imported.runs) {
      expect(r).toMatchObject({ status: 'completed', step: STEPS, totalSteps: STEPS, checkpoints: 1 });
      expect(r.engine).toMatchObject({ engine: 'pytorch-ddp', backend: 'gloo', ranks: 1 });
      expect(e.runs.map((x) => x.id)).toContain(r.runId);
      const source = r.sourceRunId as number;
      const series = async (id: number): Promise<{ steps: number[]; values: (number | null)[] }> =>
        ((await lab.call('runs.metrics', { id, keys: ['train/loss'] })) as { series: { steps: number[]; values: (number | null)[] }[] }).series[0];
      const ours = await series(source);
      const theirs = await series(r.runId);
      expect(theirs.steps).toEqual(ours.steps);
      expect(ours.steps).toHaveLength(STEPS);
      ours.values.forEach((v, i) => expect(Math.abs((v as number) - (theirs.values[i] as number)), `run ${source} step ${ours.steps[i]}`).toBeLessThan(LOSS_TOLERANCE));
    }
    expect(new Set(imported.runs.map((r) => r.sourceRunId)).size).toBe(4);
  });
});
