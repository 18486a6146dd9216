// The fine-tuning job body: builds the classifier on the parent's body (or a fresh one), trains it epoch by epoch,
// checkpoints after every epoch (weights, both optimizers, the best epoch so far: resumable), and reports steps,
// evaluations and the final test metrics as TrainJobMessages, so it is a run like any other. No database here.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getKernels } from '../../../native-kernels/index';
import { parameterCount } from '../../../common/model-config';
import { LabError } from '../../../common/errors';
import { CHECKPOINT_FORMAT, readSafetensors, writeSafetensors, type NamedTensor } from '../../ml/checkpoint';
import { SequenceClassifier } from '../../ml/finetune/classifier';
import { argmaxRows, classificationMetrics } from '../../ml/finetune/metrics';
import { FinetuneTrainer, type FinetuneState } from '../../ml/finetune/train';
import { assertParentAlive, type CheckpointFile, type TrainJobPort, type TrainJobResult } from '../train/protocol';
import type { ClassificationReport, FinetuneJobSpec } from './protocol';

const now = (): number => Date.now() / 1000;
const MISCLASSIFIED_KEPT = 200;

/** Runs one fine-tune to its end, a stop request, or divergence. */
export async function runFinetuneJob(spec: FinetuneJobSpec, port: TrainJobPort): Promise<TrainJobResult> {
  const k = getKernels(spec.kernels);
  if (spec.threads !== null) k.setThreads(spec.threads);
  const t = spec.training;
  const model = new SequenceClassifier(k, spec.model, { head: spec.head, numClasses: spec.classes.length, freeze: spec.freeze });
  let resume: FinetuneState | null = null;
  if (spec.resumeFrom !== null) {
    resume = loadEpochCheckpoint(spec.resumeFrom, model);
    port.post({ type: 'log', message: `Resuming after epoch ${resume.epoch} (step ${resume.step}).` });
  } else if (spec.parentCheckpoint !== null) {
    loadBody(spec.parentCheckpoint, model);
  }
  const post = port.post;
  let lastTokens = 0;
  const trainer = new FinetuneTrainer(model, spec.data.train, spec.data.validation, spec.padId, {
    epochs: t.epochs, batchSize: t.batchSize, lr: t.lr, warmupRatio: t.warmupRatio, weightDecay: t.weightDecay, gradClip: t.gradClip,
    minSteps: t.minSteps, patience: t.patience, classWeights: t.classWeights, seed: t.seed, resume,
    shouldStop: () => port.shouldStop(),
    onStep: (s) => {
      // tokens/s counts the real (unpadded) tokens of the batch; examples/s is the fine-tune's own unit
      lastTokens += s.tokens;
      post({ type: 'step', step: s.step, loss: s.loss, lr: s.lr, gradNorm: s.gradNorm, tokensPerSecond: s.tokensPerSecond, tokens: lastTokens, time: now() });
      post({ type: 'metrics', step: s.step, values: { 'train/examples_per_s': s.examplesPerSecond }, time: now() });
    },
    onEpoch: (e) => {
      if (e.val !== null && e.valLoss !== null) {
        post({ type: 'eval', step: e.step, valLoss: e.valLoss, perplexity: null, accuracy: e.val.accuracy, time: now() });
        const values: Record<string, number> = { 'val/macro_f1': e.val.macroF1, epoch: e.epoch };
        if (e.val.rocAuc !== null) values['val/roc_auc'] = e.val.rocAuc;
        post({ type: 'metrics', step: e.step, values, time: now() });
      }
      post({ type: 'log', message: `Epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)}${e.val === null ? '' : `, validation macro-F1 ${e.val.macroF1.toFixed(3)}, accuracy ${e.val.accuracy.toFixed(3)}`}.` });
      checkpoint(trainer.state(), 'periodic');
    },
  });

  function checkpoint(state: FinetuneState, reason: 'periodic' | 'final' | 'stop', report: ClassificationReport | null = null): void {
    assertParentAlive(port);
    const dir = join(spec.runDir, `step-${state.step}`);
    writeEpochCheckpoint(dir, model, state, spec, report);
    post({ type: 'checkpoint', step: state.step, dir, files: describeFiles(dir), resumable: true, reason });
  }

  post({ type: 'started', backend: k.backend, threads: k.getThreads(), parameters: parameterCount(spec.model) + spec.classes.length * (spec.model.dModel + 1), step: resume?.step ?? 0 });
  const result = await trainer.run();
  if (result.status === 'diverged') return { status: 'failed', step: result.steps, reason: result.reason, lastLoss: Number.NaN };
  if (result.status === 'stopped') return { status: 'stopped', step: result.steps, reason: result.reason, lastLoss: null };

  // the final figures on the test split (validation when there is none), with the best epoch's weights
  const evaluated = spec.data.test.length > 0 ? spec.data.test : spec.data.validation;
  const evaluatedOn = spec.data.test.length > 0 ? 'test' : 'validation';
  const K = spec.classes.length;
  const probs = trainer.predict(evaluated);
  const truth = evaluated.map((e) => e.label);
  const predicted = argmaxRows(probs, truth.length, K);
  const metrics = classificationMetrics(truth, predicted, K, probs);
  const texts = evaluatedOn === 'test' ? spec.testTexts : [];
  const misclassified: ClassificationReport['misclassified'] = [];
  for (let i = 0; i < truth.length && misclassified.length < MISCLASSIFIED_KEPT; i++) {
    if (predicted[i] === truth[i]) continue;
    misclassified.push({ index: i, text: (texts[i] ?? '').slice(0, 2000), truth: truth[i], predicted: predicted[i], probabilities: Array.from(probs.subarray(i * K, (i + 1) * K)) });
  }
  const values: Record<string, number> = { [`${evaluatedOn === 'test' ? 'test' : 'final'}/accuracy`]: metrics.accuracy, [`${evaluatedOn === 'test' ? 'test' : 'final'}/macro_f1`]: metrics.macroF1 };
  if (metrics.rocAuc !== null) values[`${evaluatedOn === 'test' ? 'test' : 'final'}/roc_auc`] = metrics.rocAuc;
  const report: ClassificationReport = {
    classes: spec.classes, evaluatedOn, metrics, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly,
    examplesPerSecond: result.examplesPerSecond, history: result.history, misclassified,
  };
  const state = trainer.state();
  post({ type: 'metrics', step: state.step, values, time: now() });
  if (result.reason !== null) post({ type: 'log', message: result.reason });
  checkpoint(state, 'final', report);
  return { status: 'completed', step: result.steps, reason: null, lastLoss: result.history.at(-1)?.trainLoss ?? null };
}

/** Copies the parent's body tensors into the classifier (its LM head tensors are not part of the body and stay out). */
function loadBody(dir: string, model: SequenceClassifier): void {
  const file = readSafetensors(join(dir, 'model.safetensors'));
  for (const s of model.params.table.specs) {
    const t = file.tensors.get(s.name);
    if (t === undefined) throw new LabError('bad_file', `The parent checkpoint ${dir} has no tensor "${s.name}", which the ${model.config.family.toUpperCase()} body needs.`, { field: 'from' });
    if (t.shape.join(',') !== s.shape.join(',')) {
      throw new LabError('bad_file', `Tensor "${s.name}" of the parent checkpoint has shape [${t.shape.join(', ')}], but the body expects [${s.shape.join(', ')}].`, { field: 'from' });
    }
    model.params.view(s.name).set(t.data);
  }
}

/**
 * An epoch checkpoint: model.safetensors (body + classifier.* tensors; metadata: format, config, head, classes, step),
 * optimizer.safetensors (body and head AdamW moments; the best epoch's weights; metadata: the rest of FinetuneState),
 * tokenizer.json, and classification.json on the final one.
 */
function writeEpochCheckpoint(dir: string, model: SequenceClassifier, st: FinetuneState, spec: FinetuneJobSpec, report: ClassificationReport | null): void {
  mkdirSync(dir, { recursive: true });
  const tensors: NamedTensor[] = [
    ...model.params.table.specs.map((s) => ({ name: s.name, shape: s.shape, data: model.params.view(s.name) })),
    ...model.head.table.specs.map((s) => ({ name: s.name, shape: s.shape, data: model.head.view(s.name) })),
  ];
  writeSafetensors(join(dir, 'model.safetensors'), tensors, {
    format: CHECKPOINT_FORMAT, config: JSON.stringify(spec.model), step: String(st.step),
    task: 'classification', head: spec.head, freeze: String(spec.freeze), classes: JSON.stringify(spec.classes),
  });
  const flat = (name: string, data: Float32Array | null | undefined): NamedTensor[] => (data ? [{ name, shape: [data.length], data }] : []);
  writeSafetensors(join(dir, 'optimizer.safetensors'), [
    ...flat('body.m', st.bodyOptimizer?.m), ...flat('body.v', st.bodyOptimizer?.v),
    ...flat('head.m', st.headOptimizer.m), ...flat('head.v', st.headOptimizer.v),
    ...flat('best.body', st.bestBody), ...flat('best.head', st.bestHead),
  ], {
    format: CHECKPOINT_FORMAT,
    state: JSON.stringify({ epoch: st.epoch, step: st.step, history: st.history, best: st.best, bodyT: st.bodyOptimizer?.t ?? null, headT: st.headOptimizer.t,
      trainSeconds: st.trainSeconds, trained: st.trained }),
  });
  writeFileSync(join(dir, 'tokenizer.json'), spec.tokenizerJson);
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify({ ...spec.model, task: 'classification', head: spec.head, freeze: spec.freeze, classes: spec.classes }, null, 2)}\n`);
  if (report !== null) writeFileSync(join(dir, 'classification.json'), `${JSON.stringify(report)}\n`);
}

/** Loads an epoch checkpoint's weights into the model and returns the trainer state to continue from. */
function loadEpochCheckpoint(dir: string, model: SequenceClassifier): FinetuneState {
  const file = readSafetensors(join(dir, 'model.safetensors'));
  for (const [buffer, table] of [[model.params, model.params.table], [model.head, model.head.table]] as const) {
    for (const s of table.specs) {
      const t = file.tensors.get(s.name);
      if (t === undefined || t.data.length !== s.size) throw new LabError('bad_file', `The checkpoint ${dir} has no tensor "${s.name}" of the classifier's shape; resume from a checkpoint this fine-tune wrote.`, { field: 'resume' });
      buffer.view(s.name).set(t.data);
    }
  }
  const opt = readSafetensors(join(dir, 'optimizer.safetensors'));
  const meta = JSON.parse(opt.metadata.state ?? 'null') as {
    epoch: number; step: number; history: FinetuneState['history']; best: FinetuneState['best']; bodyT: number | null; headT: number; trainSeconds: number; trained: number;
  } | null;
  const get = (name: string): Float32Array | null => opt.tensors.get(name)?.data ?? null;
  const headM = get('head.m');
  const headV = get('head.v');
  if (meta === null || headM === null || headV === null) throw new LabError('bad_file', `optimizer.safetensors in ${dir} lacks the fine-tune's state; resume from a checkpoint this fine-tune wrote.`, { field: 'resume' });
  const bodyM = get('body.m');
  const bodyV = get('body.v');
  return {
    epoch: meta.epoch, step: meta.step, history: meta.history, best: meta.best, bestBody: get('best.body'), bestHead: get('best.head'),
    bodyOptimizer: bodyM !== null && bodyV !== null && meta.bodyT !== null ? { m: bodyM, v: bodyV, t: meta.bodyT } : null,
    headOptimizer: { m: headM, v: headV, t: meta.headT }, trainSeconds: meta.trainSeconds, trained: meta.trained,
  };
}

function describeFiles(dir: string): CheckpointFile[] {
  return readdirSync(dir).sort().map((name) => {
    const file = join(dir, name);
    return { name, bytes: statSync(file).size, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
  });
}
