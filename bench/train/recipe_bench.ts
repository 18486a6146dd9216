// The training recipe of a preset, measured (issue 14): our GPT or BERT trained on a lab dataset exactly as a run
// reads it (split, tokenizer, special ids), with a chosen Q/K/V initialisation, learning rate, warm-up and masking
// rate, evaluated on fixed validation batches against the unigram baseline ("predict the most frequent token").
//
//   ATTENTION_LAB_HOME=/tmp/lab npx tsx bench/train/recipe_bench.ts --dataset shakespeare --family bert \
//     [--preset tiny] [--qkv normal|xavier] [--lr 3e-3] [--warmup 100] [--mask 0.15] [--steps 2000] [--seed 1337]
//     [--sweep 1e-3,3e-3,9e-3 --sweep-steps 200]
// The dataset must be imported in that home; its char tokenizer is reused or trained as a run would.
// Prints one JSON line first, {"unigramAccuracy", "unigramLoss", "evalTargets"}, then one per evaluation:
// {"step", "seconds" (training time so far), "valLoss", "accuracy"} — masked-token accuracy (at the standard 15%
// masking, whatever the training rate) for BERT, next-token accuracy for GPT. torch_recipe.py is the same
// experiment in PyTorch (its own char ids and a 90/10 cut of the file), the independent check.
// With --sweep, first runs the learning-rate sweep of main/ml/lr-sweep.ts over those rates ({"sweep": trials, "picked"}
// and the seconds it took), then trains at the rate it picked.
import { parseArgs } from 'node:util';
import { getKernels } from '../../native-kernels/index';
import { bertBatches, gptBatches, type BatchSource } from '../../main/ml/batches';
import { createModel } from '../../main/ml/checkpoint';
import { sweepLearningRate } from '../../main/ml/lr-sweep';
import { presetConfig, type ModelFamily, type PresetName } from '../../common/model-config';
import { initQkvWeights, type QkvInit } from '../../main/ml/init';
import { IGNORE_INDEX, type Batch } from '../../main/ml/model';
import { Rng } from '../../main/ml/rng';
import { Trainer } from '../../main/ml/train';
import { createLab } from '../../main/lab/index';
import { ensureSplit, resolveDatasetRef, resolveRunTokenizer, specialIdsFor, tokenizeSplit } from '../../main/lab/runs/training-data';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'shakespeare' },
    family: { type: 'string', default: 'bert' },
    preset: { type: 'string', default: 'tiny' },
    qkv: { type: 'string', default: 'xavier' },
    lr: { type: 'string', default: '3e-3' },
    warmup: { type: 'string', default: '100' },
    mask: { type: 'string', default: '0.15' },
    steps: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '16' },
    'eval-every': { type: 'string', default: '250' },
    'eval-batches': { type: 'string', default: '32' },
    seed: { type: 'string', default: '1337' },
    threads: { type: 'string', default: '2' },
    sweep: { type: 'string' },
    'sweep-steps': { type: 'string', default: '200' },
  },
});
const family = values.family as ModelFamily;
const steps = Number(values.steps);
const batchSize = Number(values.batch);
const evalEvery = Number(values['eval-every']);

const lab = createLab({ mode: 'cli' });
try {
  const { datasets, tokenizers } = lab.training;
  const dataset = await ensureSplit(datasets, await resolveDatasetRef(datasets, values.dataset as string), () => {});
  const info = await resolveRunTokenizer(tokenizers, dataset, { kind: 'char' }, () => {});
  const tokenizer = tokenizers.load(info.id);
  const train = tokenizeSplit(lab.ctx, dataset.id, 'train', tokenizer);
  const val = tokenizeSplit(lab.ctx, dataset.id, 'validation', tokenizer);
  const specials = specialIdsFor(family, tokenizer);
  const seed = Number(values.seed);
  const config = presetConfig(values.preset as PresetName, family, tokenizer.vocabSize, seed);
  const k = getKernels('native');
  k.setThreads(Number(values.threads));
  const model = createModel(k, config);
  initQkvWeights(model.params, config, values.qkv as QkvInit);

  // fixed evaluation batches, BERT masked at the standard 15% whatever the training rate
  const T = config.contextLength;
  const source: BatchSource = family === 'gpt' ? gptBatches(val, T, specials, 'validation') : bertBatches(val, T, config, specials, 0.15, 'validation');
  const evalRng = new Rng(4242);
  const evalSet: Batch[] = Array.from({ length: Number(values['eval-batches']) }, () => source.next(evalRng, batchSize));
  const counts = new Float64Array(config.vocabSize);
  for (const d of train) for (const id of d) counts[id] += 1;
  const total = counts.reduce((a, b) => a + b, 0);
  let top = 0;
  for (let v = 1; v < counts.length; v++) if (counts[v] > counts[top]) top = v;
  let uniHits = 0;
  let uniLoss = 0;
  let n = 0;
  for (const b of evalSet) {
    for (const y of b.targets as Int32Array) {
      if (y === IGNORE_INDEX) continue;
      n++;
      if (y === top) uniHits++;
      uniLoss -= Math.log(Math.max(counts[y], 0.5) / total);
    }
  }
  console.log(JSON.stringify({ unigramAccuracy: uniHits / n, unigramLoss: uniLoss / n, evalTargets: n, backend: k.backend }));

  const evaluate = (step: number, seconds: number): void => {
    let lossSum = 0;
    let hits = 0;
    let count = 0;
    const V = config.vocabSize;
    for (const b of evalSet) {
      const loss = model.forward(b, { train: false });
      const targets = b.targets as Int32Array;
      const rows = model.logitRows();
      const logits = model.logits();
      const R = rows === null ? targets.length : rows.length;
      let m = 0;
      for (let r = 0; r < R; r++) {
        const y = targets[rows === null ? r : rows[r]];
        if (y === IGNORE_INDEX) continue;
        m++;
        let best = 0;
        for (let j = 1; j < V; j++) if (logits[r * V + j] > logits[r * V + best]) best = j;
        if (best === y) hits++;
      }
      lossSum += loss * m;
      count += m;
    }
    console.log(JSON.stringify({ step, seconds: Number(seconds.toFixed(2)), valLoss: lossSum / count, accuracy: hits / count }));
  };

  let lr = Number(values.lr);
  if (values.sweep !== undefined) {
    const t0 = performance.now();
    const choice = await sweepLearningRate(k, config, { train, val }, {
      candidates: values.sweep.split(',').map(Number), steps: Number(values['sweep-steps']), qkvInit: values.qkv as QkvInit,
      training: { batchSize, warmupSteps: Number(values.warmup), weightDecay: 0.1, gradClip: 1, seed, specials, maskProbability: Number(values.mask) },
    });
    console.log(JSON.stringify({ sweep: choice.trials, picked: choice.lr, atEdge: choice.atEdge, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }));
    lr = choice.lr;
  }
  const trainer = new Trainer(model, { train, val }, {
    steps, batchSize, lr, minLr: lr / 10, warmupSteps: Number(values.warmup), weightDecay: 0.1, gradClip: 1,
    evalEvery: 0, seed, specials, maskProbability: Number(values.mask),
  });
  evaluate(0, 0);
  let seconds = 0;
  while (trainer.step < steps) {
    const t0 = performance.now();
    const m = trainer.trainStep();
    seconds += (performance.now() - t0) / 1000;
    if (!Number.isFinite(m.loss)) {
      console.log(JSON.stringify({ step: m.step, diverged: true }));
      break;
    }
    if (trainer.step % evalEvery === 0 || trainer.step === steps) evaluate(trainer.step, seconds);
  }
} finally {
  lab.close();
}
