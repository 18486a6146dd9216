// The training job body: builds (or reloads) the model, trains it, and reports steps, evaluations, probe samples and
// checkpoints as messages. It touches no database and no main-process state, so it can run inside a worker as is.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { loadTokenizer } from '../../data/tokenizers/index';
import { createModel, loadCheckpoint, saveCheckpoint } from '../../ml/checkpoint';
import { parameterCount } from '../../../common/model-config';
import type { TransformerModel } from '../../ml/model';
import { sweepLearningRate } from '../../ml/lr-sweep';
import { Trainer, type EvalMetrics, type TrainerState } from '../../ml/train';
import type { CheckpointFile, TrainJobMessage, TrainJobPort, TrainJobResult, TrainJobSpec } from './protocol';
import { makeProbe } from './probes';

const now = (): number => Date.now() / 1000;

/** Runs one training job to completion, a stop request, or divergence. Exceptions (bad data, I/O) propagate. */
export async function runTrainJob(spec: TrainJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const k = getKernels(spec.kernels);
  if (spec.threads !== null) k.setThreads(spec.threads);
  const tokenizer = loadTokenizer(spec.tokenizerJson);
  const t = spec.training;

  let lr = t.lr;
  if (spec.resumeFrom === null && t.lrSweep) {
    const sweep = t.lrSweep;
    port.post({ type: 'log', message: `Learning-rate sweep: ${sweep.candidates.map((c) => c.toExponential(0)).join(', ')}, ${sweep.steps} steps each…` });
    const choice = await sweepLearningRate(k, spec.model, spec.data, {
      candidates: sweep.candidates, steps: sweep.steps, shouldStop: () => port.shouldStop(),
      training: {
        batchSize: t.batchSize, warmupSteps: t.warmupSteps, weightDecay: t.weightDecay, gradClip: t.gradClip, seed: t.seed,
        specials: spec.specials, maskProbability: t.maskProbability,
      },
      onTrial: (trial, i) => port.post({ type: 'log', message: `  ${trial.lr.toExponential(0)}: ${trial.valLoss === null ? 'diverged' : `val loss ${trial.valLoss.toFixed(3)}`} (${i + 1} of ${sweep.candidates.length})` }),
    });
    if (port.shouldStop()) return { status: 'stopped', step: 0, reason: 'Stopped on request during the learning-rate sweep, before training.', lastLoss: null };
    lr = choice.lr;
    port.post({ type: 'sweep', trials: choice.trials, lr, atEdge: choice.atEdge, steps: sweep.steps });
  }
  // the settings the run trains with (after a sweep: its rate), as each checkpoint's trainer.json records them
  const training = lr === t.lr ? t : { ...t, lr, minLr: lr / 10, lrSweep: null };

  let model: TransformerModel;
  let state: TrainerState | null = null;
  if (spec.resumeFrom !== null) {
    const loaded = loadCheckpoint(k, spec.resumeFrom, { expectVocabSize: spec.model.vocabSize });
    model = loaded.model;
    state = loaded.state;
    if (state === null) {
      throw new Error(`The checkpoint ${spec.resumeFrom} has no optimizer state (optimizer.safetensors), so training cannot continue from it.`);
    }
  } else {
    model = createModel(k, spec.model);
  }

  let probe: ReturnType<typeof makeProbe> = null;
  try {
    probe = makeProbe(model, tokenizer, spec.data.val);
  } catch (e) {
    // an imported tokenizer without [CLS]/[MASK] can still train GPT; the run just keeps no samples
    port.post({ type: 'log', message: `No evaluation samples will be kept: ${(e as Error).message}` });
  }
  const post = (m: TrainJobMessage): void => port.post(m);
  const postEval = (e: EvalMetrics): void => {
    post({ type: 'eval', step: e.step, valLoss: e.valLoss, perplexity: e.perplexity, accuracy: e.accuracy, time: now() });
    if (probe !== null) post(probe(e.step));
  };
  // A periodic checkpoint is taken after everything its step logs (the evaluation comes after onStep), so a run
  // resumed from it never lacks that step's evaluation. The rule mirrors when Trainer.run() evaluates.
  const hasVal = spec.data.val.some((d) => d.length > 0);
  const evaluatesAt = (step: number): boolean => hasVal && t.evalEvery > 0 && step % t.evalEvery === 0 && step < t.steps;
  const checkpointDue = (step: number): boolean => t.checkpointEvery > 0 && step % t.checkpointEvery === 0 && step < t.steps;

  const trainer = new Trainer(model, spec.data, {
    steps: t.steps, batchSize: t.batchSize, lr, minLr: training.minLr, warmupSteps: t.warmupSteps, weightDecay: t.weightDecay,
    gradClip: t.gradClip, evalEvery: t.evalEvery, evalBatches: t.evalBatches, seed: t.seed, specials: spec.specials,
    maskProbability: t.maskProbability,
    onStep: (m) => {
      post({ type: 'step', step: m.step, loss: m.loss, lr: m.lr, gradNorm: m.gradNorm, tokensPerSecond: m.tokensPerSecond, tokens: m.step * t.batchSize * model.config.contextLength, time: now() });
      if (checkpointDue(m.step) && !evaluatesAt(m.step)) checkpoint('periodic');
    },
    onEval: (e) => {
      postEval(e);
      if (checkpointDue(e.step)) checkpoint('periodic');
    },
    shouldStop: () => port.shouldStop(),
  });
  if (state !== null) trainer.load(state);

  /** Saves the weights and the trainer state after the latest step (hoisted: onStep calls it while training). */
  function checkpoint(reason: 'periodic' | 'final' | 'stop'): void {
    const s = trainer.state();
    const dir = join(spec.runDir, `step-${s.step}`);
    writeCheckpointFolder(dir, model, s, { ...spec, training });
    post({ type: 'checkpoint', step: s.step, dir, files: describeFiles(dir), resumable: true, reason });
  }

  post({ type: 'started', backend: k.backend, threads: k.getThreads(), parameters: parameterCount(model.config), step: trainer.step });
  // The starting point of the curves: a fresh run is evaluated (and probed) before its first step.
  if (state === null) postEval(trainer.evaluate());

  const result = await trainer.run();
  const lastLoss = result.step > 0 && !(result.status === 'stopped' && Number.isNaN(result.lastLoss)) ? result.lastLoss : null;
  if (result.status === 'diverged') return { status: 'failed', step: result.step, reason: result.reason, lastLoss };
  checkpoint(result.status === 'stopped' ? 'stop' : 'final');
  return result.status === 'stopped'
    ? { status: 'stopped', step: result.step, reason: result.reason, lastLoss }
    : { status: 'completed', step: result.step, reason: null, lastLoss };
}

/**
 * A checkpoint folder: model.safetensors + config.json (weights and model config), optimizer.safetensors (AdamW
 * moments, step, sampler RNG), tokenizer.json, and trainer.json (the training settings the state belongs to).
 */
function writeCheckpointFolder(dir: string, model: TransformerModel, state: TrainerState, spec: TrainJobSpec): void {
  mkdirSync(dir, { recursive: true });
  saveCheckpoint(dir, model, state);
  writeFileSync(join(dir, 'tokenizer.json'), spec.tokenizerJson);
  writeFileSync(join(dir, 'trainer.json'), `${JSON.stringify({ runId: spec.runId, step: state.step, training: spec.training, specials: spec.specials }, null, 2)}\n`);
}

function describeFiles(dir: string): CheckpointFile[] {
  return readdirSync(dir).sort().map((name) => {
    const file = join(dir, name);
    return { name, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  });
}
