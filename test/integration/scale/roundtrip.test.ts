// The "done when", through the lab's own front door: the CLI trains a tiny GPT run, `export-torch` writes its
// PyTorch project, the export's own two-rank CPU launch script (launch_cpu.sh: the torchrun variables set per rank,
// gloo) trains it, `runs import-torch` brings it back, and the imported run's curve equals the local run's step for
// step; its checkpoints are registered and load in the lab's native inference with the local run's logits and with
// PyTorch's own logits on the same folder (1e-4); the TensorBoard event file holds the same curve; bad input is named.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetailT, TorchExportResultT, TorchImportResultT } from '../../../common/api';
import { runCli } from '../../../main/cli/index';
import { createLab, type Lab } from '../../../main/lab/index';
import { inferText, loadForInference } from '../../../main/ml/inference';
import { getKernels } from '../../../native-kernels/index';
import { readEventFile } from '../../../main/reports/tfevents/reader';
import { PYTHON, python, storyParagraphs } from './fixtures';

const LOSS_TOLERANCE = 1e-4;
/** logits of the imported final checkpoint against the local run's (final weights agree within 1e-4, torch-ddp.test.ts) */
const LOGIT_TOLERANCE = 1e-3;

let base: string;
let home: string;
let out: string;

interface Cli { code: number; stdout: string; stderr: string }
async function cli(...args: string[]): Promise<Cli> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--home', home, ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: { LANG: 'en_US.UTF-8' } });
  return { code, stdout, stderr };
}
function json<T>(r: Cli): T {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** A shell script of the export, as a person runs it (bash, the export's folder wherever it is). */
function bash(script: string, env: Record<string, string>): Promise<Cli> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let lab: Lab;
let local: RunDetailT;
let exported: TorchExportResultT;
let imported: TorchImportResultT;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'lab-roundtrip-'));
  home = join(base, 'home');
  out = join(base, 'export');
  const data = join(base, 'story.jsonl');
  writeFileSync(data, storyParagraphs(60).map((p) => JSON.stringify({ text: p })).join('\n'));
  json(await cli('datasets', 'import', data, '--name', 'story', '--json'));
  const trained = json<{ runId: number }>(await cli('train', '--dataset', 'story', '--model', 'gpt', '--steps', '20', '--batch-size', '4',
    '--eval-every', '10', '--checkpoint-every', '10', '--threads', '1', '--json'));
  exported = json<TorchExportResultT>(await cli('export-torch', String(trained.runId), '--out', out, '--json'));
  const slug = exported.runs[0].slug;
  // the export's own launcher for 2 CPU ranks: no torchrun, RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT set per rank
  const ran = await bash(join(out, 'runs', slug, 'launch_cpu.sh'), { PYTHON, RANKS: '2' });
  expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
  imported = json<TorchImportResultT>(await cli('runs', 'import-torch', out, '--json'));
  lab = createLab({ home, mode: 'cli' });
  local = (await lab.call('runs.get', { id: trained.runId })) as RunDetailT;
}, 300_000);

afterAll(() => {
  lab?.close();
  rmSync(base, { recursive: true, force: true });
});

async function series(runId: number, key: string): Promise<{ steps: number[]; values: (number | null)[] }> {
  const r = (await lab.call('runs.metrics', { id: runId, keys: [key] })) as { series: { steps: number[]; values: (number | null)[] }[] };
  return r.series[0];
}

describe('export-torch → 2 gloo ranks → runs import-torch', () => {
  it('exports the run with its checkpoint and the commands to train it and bring it back', () => {
    expect(exported.kind).toBe('run');
    expect(exported.runs).toEqual([expect.objectContaining({ labRunId: local.id, checkpointStep: 20 })]);
    expect(exported.commands.cpu).toContain('launch_cpu.sh');
    expect(exported.commands.importBack).toBe(`attention-lab runs import-torch ${out}`);
  });

  it('brings the run back as an external run of the same model, paired with the run it came from', async () => {
    expect(imported.problems).toEqual([]);
    expect(imported.runs).toHaveLength(1);
    const r = imported.runs[0];
    expect(r).toMatchObject({ status: 'completed', step: 20, totalSteps: 20, sourceRunId: local.id, checkpoints: 2 });
    expect(r.engine).toMatchObject({ engine: 'pytorch-ddp', backend: 'gloo', ranks: 2, nodes: 1, precision: 'fp32' });
    const run = (await lab.call('runs.get', { id: r.runId })) as RunDetailT;
    expect(run).toMatchObject({ origin: 'external', family: 'gpt', datasetId: local.datasetId, tokenizerId: local.tokenizerId, seed: local.seed });
    expect(run.originInfo).toMatchObject({ engine: 'pytorch-ddp', ranks: 2, sourceRunId: local.id });
    expect(run.artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.step).sort()).toEqual([10, 20]);
    const listed = (await lab.call('runs.list', {})) as { id: number }[];
    expect(listed.map((x) => x.id)).toContain(r.runId);
  });

  it('every step\'s loss and every evaluation equal the lab\'s own training of the run', async () => {
    const id = imported.runs[0].runId;
    for (const key of ['train/loss', 'val/loss', 'val/accuracy']) {
      const ours = await series(local.id, key);
      const theirs = await series(id, key);
      expect(theirs.steps, key).toEqual(ours.steps);
      ours.values.forEach((v, i) => expect(Math.abs((v as number) - (theirs.values[i] as number)), `${key} at step ${ours.steps[i]}`).toBeLessThan(LOSS_TOLERANCE));
    }
    expect((await series(id, 'train/loss')).steps).toHaveLength(20);
  });

  it('the imported checkpoint loads in the lab\'s native inference and gives the local run\'s logits', async () => {
    const run = (await lab.call('runs.get', { id: imported.runs[0].runId })) as RunDetailT;
    const theirs = run.artifacts.find((a) => a.kind === 'checkpoint' && a.step === 20);
    const ours = local.artifacts.find((a) => a.kind === 'checkpoint' && a.step === 20);
    const k = getKernels();
    const a = loadForInference(k, join(home, (ours as { path: string }).path));
    const b = loadForInference(k, join(home, (theirs as { path: string }).path));
    const x = inferText(a.model, a.tokenizer, 'The king finds a bird.');
    const y = inferText(b.model, b.tokenizer, 'The king finds a bird.');
    let worst = 0;
    x.logits.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - y.logits[i])); });
    expect(worst).toBeLessThan(LOGIT_TOLERANCE);
  });

  it('PyTorch\'s logits on the imported checkpoint (as the lab home holds it) equal the lab\'s native inference within 1e-4', async () => {
    const run = (await lab.call('runs.get', { id: imported.runs[0].runId })) as RunDetailT;
    const dir = join(home, (run.artifacts.find((a) => a.kind === 'checkpoint' && a.step === 20) as { path: string }).path);
    const { model, tokenizer } = loadForInference(getKernels(), dir);
    const ours = inferText(model, tokenizer, 'The old man helps the queen.');
    const r = await python(out, ['infer.py', dir, '--ids', ours.tokens.map((t) => t.id).join(','), '--out', join(base, 'imported-logits.json')]);
    expect(r.code, r.stderr).toBe(0);
    const theirs = JSON.parse(readFileSync(join(base, 'imported-logits.json'), 'utf8')) as { logits: number[]; shape: number[] };
    expect(theirs.shape).toEqual([ours.T, ours.V]);
    let worst = 0;
    theirs.logits.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - ours.logits[i])); });
    expect(worst).toBeLessThan(1e-4);
  });

  it('train.py\'s TensorBoard event file holds the same curve (read by the lab\'s own tfevents reader)', async () => {
    const tb = join(out, 'runs', exported.runs[0].slug, 'output', 'tensorboard');
    const files = readdirSync(tb).filter((f) => f.startsWith('events.out.tfevents.'));
    expect(files).toHaveLength(1);
    const read = readEventFile(join(tb, files[0]));
    expect(read.problems).toEqual([]);
    const loss = read.scalars.find((x) => x.key === 'train/loss');
    const ours = await series(local.id, 'train/loss');
    expect(loss?.steps).toEqual(ours.steps);
    // event files hold float32 values
    ours.values.forEach((v, i) => expect(Math.abs((v as number) - (loss as { values: number[] }).values[i]), `step ${ours.steps[i]}`).toBeLessThan(LOSS_TOLERANCE));
    expect(read.scalars.map((x) => x.key)).toEqual(expect.arrayContaining(['train/lr', 'train/grad_norm', 'val/loss', 'val/accuracy']));
  });

  it('bad input: a non-empty folder without --force, a second import of the same run, a truncated checkpoint', async () => {
    const again = await cli('export-torch', String(local.id), '--out', out);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('already exists and is not empty');
    expect(again.stderr).toContain('--force');

    const twice = await cli('runs', 'import-torch', out);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain(`already holds it at step 20`);

    // a run cut at step 10 and the checkpoint of step 20 damaged: step 10's checkpoint and the metrics come in, step 20's is named
    const slug = exported.runs[0].slug;
    const engineFile = join(out, 'runs', slug, 'output', 'engine.json');
    writeFileSync(engineFile, JSON.stringify({ ...JSON.parse(readFileSync(engineFile, 'utf8')), step: 19, status: 'stopped' }));
    truncateSync(join(out, 'runs', slug, 'output', 'checkpoints', 'step-20', 'model.safetensors'), 1000);
    const partial = json<TorchImportResultT>(await cli('runs', 'import-torch', out, '--json'));
    expect(partial.runs).toEqual([expect.objectContaining({ status: 'stopped', checkpoints: 1 })]);
    expect(partial.problems.join(' ')).toMatch(/step-20.*not imported/);
  });

  it('bad input: an output without metrics.jsonl brings its checkpoints and says the metrics are missing', async () => {
    const copy = join(base, 'export-no-metrics');
    cpSync(out, copy, { recursive: true });
    const slug = exported.runs[0].slug;
    rmSync(join(copy, 'runs', slug, 'output', 'metrics.jsonl'));
    const r = json<TorchImportResultT>(await cli('runs', 'import-torch', copy, '--json'));
    expect(r.runs).toEqual([expect.objectContaining({ checkpoints: 1, points: 0, sourceRunId: local.id })]);
    expect(r.problems).toContain(`runs/${slug}: runs/${slug}/output/metrics.jsonl is missing, so this run brings no metrics (was it trained?).`);
    const run = (await lab.call('runs.get', { id: r.runs[0].runId })) as RunDetailT;
    expect(run.artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.step)).toEqual([10]);
  });
});
