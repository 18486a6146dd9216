// The GPT/BERT training job body: an optional learning-rate sweep, the model built (or reloaded), its probe, and its
// checkpoint folder; trainer-job.ts trains it and reports steps, evaluations, probe samples and checkpoints as
// messages. It touches no database and no main-process state, so it can run inside a worker as is.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { loadTokenizer } from '../../data/tokenizers/index';
import { createModel, loadCheckpoint, saveCheckpoint } from '../../ml/checkpoint';
import { parameterCount } from '../../../common/model-config';
import type { TransformerModel } from '../../ml/model';
import { sweepLearningRate } from '../../ml/lr-sweep';
import type { TrainerState } from '../../ml/train';
import type { TrainJobPort, TrainJobResult, TrainJobSpec } from './protocol';
import { makeProbe } from './probes';
import { runTrainerJob } from './trainer-job';

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
  return runTrainerJob(k, spec, port, {
    model, state, training, parameters: parameterCount(model.config),
    save: (dir, s) => writeCheckpointFolder(dir, model, s, { ...spec, training }),
    probe: probe === null ? undefined : (e) => (probe as NonNullable<typeof probe>)(e.step),
  });
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
