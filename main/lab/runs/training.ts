// trainRun: connects a training job to the lab — resolves dataset and tokenizer, records the run, streams the job's
// metrics, samples and checkpoints into the store, and settles the run's status (completed, stopped, failed).
import path from 'node:path';
import type { TokenizerKind } from '../../../common/tokenizers';
import { lmJob, rnnJob, runTrainingJob, type TrainingJob, type TrainingJobOf } from '../../jobs/training-jobs';
import type { RnnJobSpec } from '../../jobs/rnn/protocol';
import { isRnnFamily, rnnParameterCount, rnnPresetConfig, validateRnnConfig, type RnnConfig, type RnnFamily } from '../../../common/rnn-config';
import { rnnMemoryEstimate } from '../../ml/rnn/lm';
import type { TrainJobPort, TrainJobResult, TrainJobSpec, TrainingSettings } from '../../jobs/train/protocol';
import { assertFitsInMemory } from '../../ml/config';
import { checkedSize, isPresetShape, sizeLabel, type ModelSize, type SizeField } from '../../../common/model-size';
import { parameterCount, presetConfig, validateConfig, type ModelConfig, type ModelFamily, type PresetName } from '../../../common/model-config';
import type { KernelPreference } from '../../../native-kernels/index';
import type { LabContext } from '../app/context';
import { LabError } from '../../../common/errors';
import { markRunsOfDeadOwners } from '../../store/recovery';
import { recipeFor, sweepPlan, warmupSteps as recipeWarmup } from '../../ml/recipe';
import { runFolder, type RunService } from './service';
import { RunRecorder, type TrainProgress } from './recorder';
import { ensureSplit, resolveDatasetRef, resolveRunTokenizer, specialIdsFor, tokenizeSplit } from './training-data';
import type { DatasetService } from '../datasets/service';
import type { TokenizerService } from '../tokenizers/service';

export interface TrainSpec {
  /** dataset name or id (not needed with resume) */
  dataset?: string;
  /** gpt, bert, or an RNN language model (gru, lstm) */
  family?: ModelFamily | RnnFamily;
  /** tokenizer name or id; else tokenizerKind picks or trains `<dataset>-<kind>` (default char) */
  tokenizer?: string;
  tokenizerKind?: TokenizerKind;
  preset?: PresetName;
  /** gpt/bert: fields replacing the preset's shape (`--layers --heads --d-model --ff --context`); the recipe stays the preset's */
  size?: Partial<Record<SizeField, number>>;
  steps?: number;
  batchSize?: number;
  lr?: number;
  /** BERT: share of tokens masked in training (else the recipe's); evaluation always masks 15% */
  maskProbability?: number;
  evalEvery?: number;
  checkpointEvery?: number;
  seed?: number;
  threads?: number;
  name?: string;
  /** continue this stopped, paused, crashed (or re-queued) run from its last checkpoint; the other settings come from the run */
  resume?: number;
  /** sweep the learning rate before training and train at the best (a fair comparison); ignored when lr is given */
  lrSweep?: boolean;
  /** the experiment a new run belongs to (a BERT-vs-GPT comparison) */
  experimentId?: number;
  /**
   * record a new run as 'queued' (a scheduler starts it later) instead of 'running'; with resume, the scheduler is
   * starting the run from its queue, so a queued run that never trained starts at step 0
   */
  queued?: boolean;
  kernels?: KernelPreference;
}

export type { TrainProgress } from './recorder';

export interface TrainHooks {
  log?(line: string): void;
  progress?(p: TrainProgress): void;
  /** polled between steps; true finishes the current step, saves a resumable checkpoint and stops */
  shouldStop?(): boolean;
}

export interface TrainOutcome {
  runId: number;
  name: string;
  status: 'completed' | 'stopped' | 'failed';
  error: string | null;
  family: ModelFamily | RnnFamily;
  backend: string;
  threads: number;
  parameters: number;
  steps: number;
  totalSteps: number;
  firstTrainLoss: number | null;
  lastTrainLoss: number | null;
  firstValLoss: number | null;
  bestValLoss: number | null;
  lastValLoss: number | null;
  valAccuracy: number | null;
  /** training throughput of this session: tokens / seconds spent in optimizer steps */
  tokensPerSecond: number;
  wallSeconds: number;
  /** folder of the newest checkpoint, absolute */
  checkpoint: string | null;
}

const DEFAULT_STEPS = 1000;

/** The full settings of a new run from what the person gave and the recipe of its preset and family (ml/recipe.ts);
 *  range checks happen in the Trainer and here. With spec.lrSweep the job first sweeps rates around the recipe's. */
export function trainingSettings(spec: TrainSpec, preset: PresetName, family: ModelFamily = 'gpt'): TrainingSettings {
  const d = recipeFor(preset, family);
  const steps = spec.steps ?? DEFAULT_STEPS;
  if (!Number.isInteger(steps) || steps < 1) throw new LabError('invalid_input', `--steps is ${steps}, but it must be a whole number of at least 1.`, { field: 'steps' });
  const lr = spec.lr ?? d.lr;
  const maskProbability = spec.maskProbability ?? d.maskProbability;
  if (!(maskProbability > 0 && maskProbability < 1)) {
    throw new LabError('invalid_input', `--mask-rate is ${maskProbability}, but it must be a share between 0 and 1 (BERT's recipe masks 0.15 or 0.4).`, { field: 'maskProbability' });
  }
  const evalEvery = spec.evalEvery ?? Math.max(1, Math.round(steps / 10));
  if (!Number.isInteger(evalEvery) || evalEvery < 1) throw new LabError('invalid_input', `--eval-every is ${evalEvery}, but it must be a whole number of steps, at least 1.`, { field: 'evalEvery' });
  const checkpointEvery = spec.checkpointEvery ?? Math.max(100, Math.round(steps / 4));
  // a rate the person chose is kept: the sweep only replaces the recipe's
  const lrSweep = spec.lrSweep === true && spec.lr === undefined ? sweepPlan(preset, family, steps) : null;
  return {
    steps, batchSize: spec.batchSize ?? d.batchSize, lr, minLr: lr / 10, warmupSteps: recipeWarmup(steps),
    weightDecay: 0.1, gradClip: 1, evalEvery, evalBatches: 4, checkpointEvery, seed: spec.seed ?? 1337,
    maskProbability, lrSweep,
  };
}

/** What setting up a run uses: the lab's context and the services it records the run and reads its data with. */
export interface TrainingDeps {
  ctx: LabContext;
  runs: RunService;
  datasets: DatasetService;
  tokenizers: TokenizerService;
}

/** A recorded run and the plain-data job that trains it (what a scheduler queues and hands to a worker). */
export interface PreparedRun {
  runId: number;
  /** a GPT/BERT ('lm') or GRU/LSTM ('rnn-lm') language model */
  job: TrainingJobOf<'lm'> | TrainingJobOf<'rnn-lm'>;
}

/** Runs a job and resolves to its result: runTrainJob in this process, or a worker that relays the same messages. */
export type TrainJobRunner = (job: TrainingJob, port: TrainJobPort) => Promise<TrainJobResult>;

/**
 * Resolves the data, records the run (status 'running') and builds its job; with spec.resume, reopens a stopped or
 * crashed run at its last resumable checkpoint instead. Refusals (unknown dataset, too little memory…) record nothing.
 */
export async function prepareTraining(deps: TrainingDeps, spec: TrainSpec, log: (line: string) => void = () => {}): Promise<PreparedRun> {
  return spec.resume !== undefined ? prepareResume(deps, spec, log) : prepareNew(deps, spec, log);
}

/** Trains one run to its end, a stop request, or a failure, recording everything; the CLI runs it in the foreground. */
export async function trainRun(deps: TrainingDeps, spec: TrainSpec, hooks: TrainHooks = {}, runner: TrainJobRunner = runTrainingJob): Promise<TrainOutcome> {
  const started = performance.now();
  const log = hooks.log ?? ((): void => {});
  const { ctx, runs } = deps;
  const q = ctx.store.runs;
  const { runId, job } = await prepareTraining(deps, spec, log);
  const recorder = new RunRecorder(ctx, runs, runId, job, { log, progress: hooks.progress });
  let result: TrainJobResult;
  try {
    result = await runner(job, { post: recorder.onMessage, shouldStop: () => hooks.shouldStop?.() === true });
  } catch (e) {
    recorder.fail(e);
    throw e;
  }
  recorder.finish(result);

  const run = q.run(runId);
  const val = run.metrics['val/loss'];
  return {
    runId, name: run.name, status: result.status, error: result.reason, family: job.spec.model.family,
    backend: recorder.backend, threads: recorder.threads,
    parameters: recorder.parameters || (job.kind === 'rnn-lm' ? rnnParameterCount(job.spec.model) : parameterCount(job.spec.model)),
    steps: result.step, totalSteps: job.totalSteps,
    firstTrainLoss: q.firstValue(runId, 'train/loss')?.value ?? null,
    lastTrainLoss: run.metrics['train/loss']?.last ?? null,
    firstValLoss: q.firstValue(runId, 'val/loss')?.value ?? null,
    bestValLoss: val?.best ?? null, lastValLoss: val?.last ?? null, valAccuracy: run.metrics['val/accuracy']?.last ?? null,
    tokensPerSecond: recorder.tokensPerSecond,
    wallSeconds: (performance.now() - started) / 1000,
    checkpoint: recorder.checkpoint ?? resumeCheckpoint(ctx, runId),
  };
}

/** The one refusal to resume a run that is not stopped, paused or crashed: `train --resume` and runs.resume say the same. */
export function notResumable(runId: number, name: string, status: string, field: string): LabError {
  return new LabError('conflict', `Run ${runId} ("${name}") is ${status}; only a stopped, paused or crashed run can be resumed.`, { field });
}

function resumeCheckpoint(ctx: LabContext, runId: number): string | null {
  const a = ctx.store.runs.latestCheckpoint(runId);
  return a === null ? null : path.join(ctx.home, a.path);
}

/**
 * The checked custom shape of a new run, or null when the size changes nothing of the preset. Refused before any data
 * is read: a bad field (its sentence names the flag), or a size for an RNN (its presets have their own shape).
 */
export function customShape(preset: PresetName, size: TrainSpec['size'], family: string = 'gpt'): ModelSize | null {
  if (size === undefined || Object.values(size).every((v) => v === undefined)) return null;
  if (isRnnFamily(family)) {
    throw new LabError('invalid_input', `Custom sizes (--layers, --heads, --d-model, --ff, --context) are for gpt and bert; a ${family} model takes its preset's shape.`, { field: 'size' });
  }
  const shape = checkedSize(preset, size);
  return isPresetShape(preset, shape) ? null : shape;
}

async function prepareNew(deps: TrainingDeps, spec: TrainSpec, log: (line: string) => void): Promise<PreparedRun> {
  const { ctx, runs, datasets, tokenizers } = deps;
  if (spec.dataset === undefined) throw new LabError('invalid_input', 'Say which dataset to train on (--dataset NAME).', { field: 'dataset' });
  const family = spec.family;
  if (family !== 'gpt' && family !== 'bert' && !isRnnFamily(family)) {
    throw new LabError('invalid_input', `The model family is ${JSON.stringify(family)}, but it must be "gpt", "bert", "gru" or "lstm" (--model gpt|bert|gru|lstm).`, { field: 'model' });
  }
  const rnn = isRnnFamily(family);
  const preset = spec.preset ?? 'tiny';
  if (!['tiny', 'small', 'base'].includes(preset)) {
    throw new LabError('invalid_input', `Preset ${JSON.stringify(preset)} does not exist; choose tiny, small or base.`, { field: 'preset' });
  }
  const shape = customShape(preset, spec.size, family);
  // an RNN language model trains next-token like GPT and takes GPT's recipe; its job has no learning-rate sweep
  const training = rnn ? { ...trainingSettings({ ...spec, lrSweep: false }, preset, 'gpt') } : trainingSettings(spec, preset, family);
  const dataset = await ensureSplit(datasets, await resolveDatasetRef(datasets, spec.dataset), log);
  const tokenizerInfo = await resolveRunTokenizer(tokenizers, dataset, { name: spec.tokenizer, kind: spec.tokenizerKind }, log);
  const tokenizer = tokenizers.load(tokenizerInfo.id);
  const model = rnn ? rnnPresetConfig(preset, family, tokenizer.vocabSize, training.seed) : presetConfig(preset, family, tokenizer.vocabSize, training.seed, shape ?? {});
  const memory = rnn ? rnnMemoryEstimate(model as RnnConfig, training.batchSize) : assertFitsInMemory(model as ModelConfig, training.batchSize);
  const job = buildJob(deps, 0, model, training, dataset.id, tokenizerInfo.id, spec, log);
  const runId = runs.create({
    name: spec.name ?? `${dataset.name}-${family}-${shape ? sizeLabel(shape) : preset}`, family, datasetId: dataset.id, tokenizerId: tokenizerInfo.id,
    seed: training.seed, totalSteps: training.steps, status: spec.queued === true ? 'queued' : 'running', experimentId: spec.experimentId ?? null,
    config: {
      preset, model, training, parameters: memory.parameters, memoryBytes: memory.totalBytes,
      dataset: { id: dataset.id, name: dataset.name }, tokenizer: { id: tokenizerInfo.id, name: tokenizerInfo.name, kind: tokenizerInfo.kind },
      tokens: { train: job.data.train.reduce((n, d) => n + d.length, 0), validation: job.data.val.reduce((n, d) => n + d.length, 0) },
    },
  });
  return { runId, job: jobOf({ ...job, runId, runDir: runFolder(ctx.home, runId) }) };
}

async function prepareResume(deps: TrainingDeps, spec: TrainSpec, log: (line: string) => void): Promise<PreparedRun> {
  const { ctx, runs } = deps;
  const runId = spec.resume as number;
  // right after a kill -9 of the process that trained it, the run is crashed at once (not after the stale cutoff)
  markRunsOfDeadOwners(ctx.db);
  const run = ctx.store.runs.run(runId);
  if (!['stopped', 'crashed', 'paused', 'queued'].includes(run.status)) throw notResumable(runId, run.name, run.status, 'resume');
  const ckpt = ctx.store.runs.latestCheckpoint(runId, true);
  // a run still queued that never trained (the app that queued it died first) starts at step 0 with its recorded
  // settings, when a scheduler takes it from its queue (a person's --resume of it would train it beside that queue)
  const fresh = ckpt === null && spec.queued === true && run.status === 'queued' && run.step === 0;
  if (ckpt === null && !fresh) {
    throw new LabError('not_found', `Run ${runId} ("${run.name}") has no resumable checkpoint, so it cannot continue; start a new run instead.`, { field: 'resume' });
  }
  if (run.datasetId === null || run.tokenizerId === null) {
    throw new LabError('not_found', `The dataset or tokenizer of run ${runId} ("${run.name}") was deleted, so its data cannot be rebuilt to resume it.`, { field: 'resume' });
  }
  const recorded = run.config as { model?: ModelConfig & Record<string, unknown>; training?: TrainingSettings };
  if (recorded.model === undefined || recorded.training === undefined) {
    throw new LabError('bad_file', `Run ${runId} has no recorded model or training settings, so it cannot be resumed.`, { field: 'resume' });
  }
  const ignored = (['dataset', 'family', 'tokenizer', 'tokenizerKind', 'preset', 'size', 'steps', 'batchSize', 'lr', 'maskProbability', 'evalEvery', 'seed'] as const)
    .filter((k) => spec[k] !== undefined);
  if (ignored.length > 0) log(`Resuming keeps the run's own settings; ignoring ${ignored.join(', ')}.`);
  const model = isRnnFamily(recorded.model.family) ? validateRnnConfig(recorded.model as unknown as RnnConfig & Record<string, unknown>) : validateConfig(recorded.model);
  log(`${ckpt === null ? 'Starting' : 'Resuming'} run ${runId} ("${run.name}") from step ${ckpt?.step ?? 0} of ${recorded.training.steps}.`);
  const job = buildJob(deps, runId, model, recorded.training, run.datasetId, run.tokenizerId, spec, log);
  runs.discardAfter(runId, ckpt?.step ?? 0);
  runs.setStatus(runId, 'running');
  return { runId, job: jobOf({ ...job, resumeFrom: ckpt === null ? null : path.join(ctx.home, ckpt.path) }) };
}

/** The job spec: tokenized splits (with the counts said through `log`) and everything else as plain data. */
function buildJob({ ctx, tokenizers }: TrainingDeps, runId: number, model: ModelConfig | RnnConfig, training: TrainingSettings, datasetId: number,
  tokenizerId: number, spec: TrainSpec, log: (line: string) => void): TrainJobSpec | RnnJobSpec {
  const tokenizer = tokenizers.load(tokenizerId);
  if (tokenizer.vocabSize !== model.vocabSize) {
    throw new LabError('conflict', `The tokenizer now has ${tokenizer.vocabSize} tokens but the model was built for ${model.vocabSize}; use the tokenizer the run was trained with.`, { field: 'tokenizer' });
  }
  const train = tokenizeSplit(ctx, datasetId, 'train', tokenizer);
  const val = tokenizeSplit(ctx, datasetId, 'validation', tokenizer);
  const count = (docs: Int32Array[]): number => docs.reduce((n, d) => n + d.length, 0);
  if (count(train) === 0) throw new LabError('invalid_input', 'The train split of this dataset has no tokens; import more text or split it again with a train share above 0.', { field: 'dataset' });
  log(`Tokenized: ${count(train).toLocaleString('en-US')} train and ${count(val).toLocaleString('en-US')} validation tokens.`);
  return {
    runId, model, training, data: { train, val }, specials: specialIdsFor(isRnnFamily(model.family) ? 'gpt' : model.family, tokenizer),
    tokenizerJson: JSON.stringify(tokenizer.toJSON()), runDir: runFolder(ctx.home, runId), resumeFrom: null,
    threads: spec.threads ?? null, kernels: spec.kernels ?? 'native',
  } as TrainJobSpec | RnnJobSpec;
}

/** A GPT/BERT spec is an 'lm' job, a GRU/LSTM one an 'rnn-lm' job. */
function jobOf(spec: TrainJobSpec | RnnJobSpec): TrainingJobOf<'lm'> | TrainingJobOf<'rnn-lm'> {
  return isRnnFamily(spec.model.family) ? rnnJob(spec as RnnJobSpec) : lmJob(spec as TrainJobSpec);
}
