// The PyTorch DDP export on this machine's CPUs against the lab's own training of the same run (the anchor): tokens per
// second of whole optimizer steps (batch drawing, forward, backward, gradient all-reduce, clipping, AdamW), median
// over the steps after a warm-up. Says what the export is for: not for a 2-core laptop, where the lab's kernels are
// faster, but for machines with GPUs (where it runs NCCL and bf16), which this VM does not have.
//
//   flock -x /tmp/cpu.lock npx tsx bench/scale/ddp_cpu_bench.ts [--family gpt|bert] [--preset small] [--steps 40]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { trainTokenizer } from '../../main/data/tokenizers/index';
import type { TrainingSettings } from '../../main/jobs/train/protocol';
import { createModel } from '../../main/ml/checkpoint';
import { Trainer } from '../../main/ml/train';
import { presetConfig, type ModelFamily, type PresetName } from '../../common/model-config';
import { writeTorchProject } from '../../main/scale/torch-export';

const { values } = parseArgs({ options: { family: { type: 'string', default: 'gpt' }, preset: { type: 'string', default: 'small' }, steps: { type: 'string', default: '40' } } });
const family = values.family as ModelFamily;
const preset = values.preset as PresetName;
const steps = Number(values.steps);
const WARMUP = 5;
const PYTHON = process.env.ATTENTION_LAB_PYTHON ?? '/usr/bin/python3';

const corpus = '/work/shared/data/tinyshakespeare.txt';
const text = existsSync(corpus) ? readFileSync(corpus, 'utf8') : 'To be, or not to be, that is the question.\n'.repeat(5000);
const paragraphs = text.split(/\n\n+/).filter((p) => p.trim() !== '');
const tokenizer = trainTokenizer('char', () => paragraphs, { vocabSize: 80 }).tokenizer;
const docs = paragraphs.map((p) => tokenizer.encode(p).ids);
const cut = Math.floor(docs.length * 0.9);
const data = { train: docs.slice(0, cut), val: docs.slice(cut) };
const model = presetConfig(preset, family, tokenizer.vocabSize, 1337);
const training: TrainingSettings = {
  steps, batchSize: 16, lr: 1e-3, minLr: 1e-4, warmupSteps: 2, weightDecay: 0.1, gradClip: 1, evalEvery: 0, evalBatches: 1,
  checkpointEvery: 0, seed: 1337,
};
const specials = family === 'gpt' ? { eos: tokenizer.specialId('[EOS]') } : {
  mask: tokenizer.specialId('[MASK]'), cls: tokenizer.specialId('[CLS]'), pad: tokenizer.specialId('[PAD]'),
  others: (['[SEP]', '[BOS]', '[EOS]', '[UNK]'] as const).map((t) => tokenizer.specialId(t)),
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// ---- the anchor: the lab's own training (native kernels, 2 threads), whole steps timed
const k = getKernels();
k.setThreads(2);
const trainer = new Trainer(createModel(k, model), data, { ...training, evalEvery: 0, specials });
const labRates: number[] = [];
for (let s = 0; s < steps; s++) {
  const m = trainer.trainStep();
  if (s >= WARMUP) labRates.push(m.tokensPerSecond);
}
const lab = median(labRates);

// ---- the export, on 1 rank with 2 threads and on 2 ranks with 1 thread each
const dir = mkdtempSync(join(tmpdir(), 'ddp-bench-'));
writeTorchProject(k, dir, {
  kind: 'run', title: 'bench', experimentId: null,
  data: [{ slug: 'd', datasetName: 'bench', tokenizerName: 'char', vocabSize: tokenizer.vocabSize, tokenizerJson: JSON.stringify(tokenizer.toJSON()), train: data.train, validation: data.val }],
  runs: [{ slug: 'r', name: 'bench', labRunId: null, experimentId: null, model, training, specials, maskProbability: 0.15, data: 'd', checkpoint: null }],
});
function torchRate(ranks: number, threads: number): number {
  rmSync(join(dir, 'runs', 'r', 'output'), { recursive: true, force: true });
  const r = spawnSync(PYTHON, ['launch_cpu.py', '--ranks', String(ranks), '--threads', String(threads), '--run', 'runs/r'],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' } });
  if (r.status !== 0) throw new Error(`launch_cpu.py failed:\n${r.stdout}\n${r.stderr}`);
  const rates = readFileSync(join(dir, 'runs', 'r', 'output', 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>).filter((x) => x['train/tokens_per_s'] !== undefined && x.step > WARMUP)
    .map((x) => x['train/tokens_per_s']);
  return median(rates);
}
const one = torchRate(1, 2);
const two = torchRate(2, 1);
rmSync(dir, { recursive: true, force: true });

const c = model;
console.log(`${family.toUpperCase()} ${preset}: ${c.nLayer} layers, d_model ${c.dModel}, context ${c.contextLength}, batch ${training.batchSize}; median tokens/s over steps ${WARMUP + 1}..${steps}`);
console.log('| side | tokens/s | ratio to the lab |');
console.log('|---|---:|---:|');
console.log(`| lab, native kernels, 2 threads (anchor) | ${lab.toFixed(0)} | 1.00 |`);
console.log(`| export, PyTorch ${'1 rank × 2 threads'} | ${one.toFixed(0)} | ${(one / lab).toFixed(2)} |`);
console.log(`| export, PyTorch DDP 2 ranks × 1 thread (gloo) | ${two.toFixed(0)} | ${(two / lab).toFixed(2)} |`);
