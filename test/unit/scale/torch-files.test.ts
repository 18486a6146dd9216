// The export's folder rules and the import scan's handling of bad input, without running PyTorch: an existing folder
// refused unless --force (which keeps files it does not own), a run without a checkpoint said to start from scratch,
// a lab checkpoint that does not fit the run's config refused by tensor name,
// and an output with cut metric lines, a truncated checkpoint and one whose tensors do not fit the config: the valid
// parts come back, each invalid one is named.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsKernels } from '../../../native-kernels/index';
import { readSafetensors, writeSafetensors, type NamedTensor } from '../../../main/ml/checkpoint';
import { TEMPLATE_FILES, writeTorchProject } from '../../../main/scale/torch-export';
import { scanTorchExport } from '../../../main/scale/torch-import';
import { makeCase } from '../../integration/scale/fixtures';
import { isLabError } from '../../../common/errors';

let base: string;
beforeAll(() => { base = mkdtempSync(join(tmpdir(), 'lab-torchfiles-')); });
afterAll(() => rmSync(base, { recursive: true, force: true }));

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('export folder', () => {
  const c = makeCase('gpt');

  it('writes the project, and says a run without a checkpoint trains from scratch', () => {
    const dir = join(base, 'fresh');
    const r = writeTorchProject(jsKernels, dir, c.bundle);
    expect(r.notes).toEqual([`Run "story-gpt" has no checkpoint yet, so the export trains it from scratch (the initial weights the lab draws from seed 1337).`]);
    for (const f of [...TEMPLATE_FILES, 'README.md', 'export.json', 'run_cpu.sh', 'slurm.sbatch']) expect(readdirSync(dir)).toContain(f);
    const run = JSON.parse(readFileSync(join(dir, 'runs', '1-story-gpt', 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(run).toMatchObject({ format: 'attention-lab-torch-run/1', model: c.model, training: c.training, checkpoint: null, seqLen: 32 });
    const init = readSafetensors(join(dir, 'runs', '1-story-gpt', 'init', 'model.safetensors'));
    expect(init.metadata.step).toBe('0');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('--rdzv_endpoint');
    expect(readFileSync(join(dir, 'slurm.sbatch'), 'utf8')).toContain('#SBATCH --array=0-0');
    expect(r.bytes).toBeGreaterThan(10_000);
  });

  it('refuses an existing folder that is not empty, and with force replaces only what an export owns', () => {
    const dir = join(base, 'busy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const e = thrown(() => writeTorchProject(jsKernels, dir, c.bundle));
    expect(isLabError(e) && e.code).toBe('conflict');
    expect(e.message).toBe(`The folder ${dir} already exists and is not empty (1 entries); choose another --out, or pass --force to replace the export files in it (other files stay).`);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    writeTorchProject(jsKernels, dir, c.bundle, { force: true });
    mkdirSync(join(dir, 'runs', 'stale'));
    writeTorchProject(jsKernels, dir, c.bundle, { force: true });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(join(dir, 'runs'))).toEqual(['1-story-gpt']);
  });

  it('includes the lab checkpoint to continue from when the run has one', () => {
    const dir = join(base, 'with-ckpt');
    const ckpt = join(base, 'lab-ckpt');
    cpSync(join(base, 'fresh', 'runs', '1-story-gpt', 'init'), ckpt, { recursive: true });
    const bundle = { ...c.bundle, runs: [{ ...c.bundle.runs[0], checkpoint: { dir: ckpt, step: 0 } }] };
    const r = writeTorchProject(jsKernels, dir, bundle);
    expect(r.notes).toEqual([]);
    expect(readdirSync(join(dir, 'runs', '1-story-gpt', 'checkpoint')).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('refuses a lab checkpoint whose tensors do not fit the run\'s config, naming the tensor, before writing anything', () => {
    const init = join(base, 'fresh', 'runs', '1-story-gpt', 'init');
    const refused = (edit: (t: NamedTensor) => NamedTensor | null, name: string): string => {
      const ckpt = join(base, `bad-ckpt-${name}`);
      cpSync(init, ckpt, { recursive: true });
      const file = readSafetensors(join(ckpt, 'model.safetensors'));
      writeSafetensors(join(ckpt, 'model.safetensors'), [...file.tensors.values()].map(edit).filter((t) => t !== null), file.metadata);
      const dir = join(base, `export-${name}`);
      const e = thrown(() => writeTorchProject(jsKernels, dir, { ...c.bundle, runs: [{ ...c.bundle.runs[0], checkpoint: { dir: ckpt, step: 7 } }] }));
      expect(isLabError(e) && e.code).toBe('bad_file');
      expect(existsSync(dir)).toBe(false);
      return e.message.replace(ckpt, 'CKPT');
    };
    expect(refused((t) => (t.name === 'ln_f.weight' ? { ...t, name: 'ln_final.weight' } : t), 'renamed')).toBe(
      'The checkpoint of run "story-gpt" (step 7, CKPT) has no tensor "ln_f.weight", which the run\'s GPT config needs. '
      + 'Export the run without it (--no-checkpoint: training starts from the initial weights) or export another run.');
    expect(refused((t) => (t.name === 'wpe' ? { ...t, shape: [16, 64], data: t.data.subarray(0, 16 * 64) } : t), 'shape')).toBe(
      'The checkpoint of run "story-gpt" (step 7, CKPT) holds tensor "wpe" with shape [16, 64], but the run\'s config expects [32, 64]. '
      + 'Export the run without it (--no-checkpoint: training starts from the initial weights) or export another run.');
  });
});

describe('import scan', () => {
  const c = makeCase('gpt');
  let dir: string;
  let out: string;

  beforeAll(() => {
    dir = join(base, 'trained');
    writeTorchProject(jsKernels, dir, c.bundle);
    // what a training leaves behind, written here by hand: metrics with a cut line, and three checkpoints
    out = join(dir, 'runs', '1-story-gpt', 'output');
    mkdirSync(join(out, 'checkpoints'), { recursive: true });
    writeFileSync(join(out, 'metrics.jsonl'), [
      JSON.stringify({ step: 0, time: 100, 'val/loss': 3.5, 'val/accuracy': 0.1 }),
      JSON.stringify({ step: 1, time: 101, 'train/loss': 3.4, 'train/lr': 1e-3 }),
      JSON.stringify({ step: 2, time: 102, 'train/loss': 'nan', 'train/lr': 2e-3 }),
      '{"step": 3, "time": 103, "train/lo',
    ].join('\n'));
    const init = join(dir, 'runs', '1-story-gpt', 'init');
    for (const s of [1, 2, 3]) cpSync(init, join(out, 'checkpoints', `step-${s}`), { recursive: true });
    // step 2: truncated; step 3: wpe of another context length
    const st2 = join(out, 'checkpoints', 'step-2', 'model.safetensors');
    truncateSync(st2, Math.floor(readFileSync(st2).length / 2));
    const st3 = join(out, 'checkpoints', 'step-3', 'model.safetensors');
    const file = readSafetensors(st3);
    const tensors = [...file.tensors.values()].map((t) => (t.name === 'wpe' ? { ...t, shape: [16, 64], data: t.data.subarray(0, 16 * 64) } : t));
    writeSafetensors(st3, tensors, file.metadata);
    // step 4: a tensor under another name (another program's naming)
    cpSync(init, join(out, 'checkpoints', 'step-4'), { recursive: true });
    const st4 = join(out, 'checkpoints', 'step-4', 'model.safetensors');
    writeSafetensors(st4, [...file.tensors.values()].map((t) => (t.name === 'ln_f.bias' ? { ...t, name: 'final_norm.bias' } : t)), file.metadata);
  });

  it('brings back the valid metrics and checkpoints and names every invalid one', async () => {
    const scan = await scanTorchExport(dir);
    expect(scan.skipped).toEqual([]);
    const [run] = scan.runs;
    expect(run.name).toBe('story-gpt');
    expect(run.lab.runId).toBe(1);
    expect(run.metrics?.series).toEqual([
      { key: 'val/loss', steps: [0], values: [3.5], times: [100] },
      { key: 'val/accuracy', steps: [0], values: [0.1], times: [100] },
      { key: 'train/loss', steps: [1, 2], values: [3.4, null], times: [101, 102] },
      { key: 'train/lr', steps: [1, 2], values: [1e-3, 2e-3], times: [101, 102] },
    ]);
    expect(run.checkpoints.map((k) => [k.step, k.resumable])).toEqual([[1, false]]);
    expect(run.problems).toHaveLength(4);
    expect(run.problems[0]).toMatch(/^In runs\/1-story-gpt\/output\/metrics\.jsonl, line 4 is not valid JSON \(.*\), so it was skipped \(a crash can cut the last line\)\.$/);
    expect(run.problems[1]).toMatch(/^Checkpoint runs\/1-story-gpt\/output\/checkpoints\/step-2 was not imported: Tensor ".*" in model\.safetensors ends at byte \d+ but the file holds only \d+ data bytes; the file is truncated\.$/);
    expect(run.problems[2]).toBe('Checkpoint runs/1-story-gpt/output/checkpoints/step-3 was not imported: tensor "wpe" has shape [16, 64], but the run\'s config expects [32, 64].');
    expect(run.problems[3]).toBe('Checkpoint runs/1-story-gpt/output/checkpoints/step-4 was not imported: its model.safetensors has no tensor "ln_f.bias", which the run\'s GPT config needs.');
  });

  it('skips a run that was never trained, saying so, and refuses a folder that is no export', async () => {
    const fresh = await scanTorchExport(join(base, 'fresh'));
    expect(fresh.runs).toEqual([]);
    expect(fresh.skipped).toEqual([{ slug: '1-story-gpt', reason: 'runs/1-story-gpt/output/metrics.jsonl is missing, so this run brings no metrics (was it trained?).' }]);
    const e = await scanTorchExport(join(base, 'lab-ckpt')).then(() => new Error('expected an error'), (err: Error) => err);
    expect(e.message).toBe(`${join(base, 'lab-ckpt')} is not a PyTorch export of Attention Lab: it has neither runs/ nor run.json. Give the folder \`attention-lab export-torch\` wrote.`);
  });
});
