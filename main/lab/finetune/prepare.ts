// A fine-tune's preparation: the parent run's newest checkpoint and tokenizer, the labelled splits encoded for the
// body's family, the settings, and the recorded run (family 'classifier', parent_run_id = the parent) with its job.
// A resume rebuilds the same job from the run's recorded config and continues from its newest epoch checkpoint.
import path from 'node:path';
import type { ModelConfig } from '../../../common/model-config';
import { validateConfig } from '../../../common/model-config';
import type { FinetuneStartRequestT } from '../../../common/api/finetune';
import { LabError } from '../../../common/errors';
import type { KernelPreference } from '../../../native-kernels/index';
import type { TextTokenizer } from '../../data/tokenizers/index';
import { HEADS_OF, type HeadKind } from '../../ml/finetune/classifier';
import { encodeExamples, type EncodedExample } from '../../ml/finetune/examples';
import type { FinetuneJobSpec, FinetuneSettings } from '../../jobs/finetune/protocol';
import type { LabContext } from '../app/context';
import { runFolder } from '../runs/service';
import type { TrainingDeps } from '../runs/training';
import { isPairSplit, joinedTexts, labelledDataset, readLabelledSplits, type LabelledSplit } from './labelled-data';

/** Learning rates when none is given: the whole model at a fine-tuning rate, a linear probe's head at a larger one. */
export const DEFAULT_LR = { full: 5e-4, probe: 5e-3 } as const;

export interface PreparedFinetune {
  runId: number;
  job: FinetuneJobSpec;
  totalSteps: number;
  /** mean real tokens of a training batch (throughput in tokens) */
  tokensPerStep: number;
}

/** What a fine-tune records in runs.config_json: enough to rebuild its job for a resume. */
export interface FinetuneConfig {
  task: 'classification';
  kind: 'pretrained' | 'scratch';
  bodyFamily: 'gpt' | 'bert';
  model: ModelConfig;
  head: HeadKind;
  freeze: boolean;
  classes: string[];
  labelsPerClass: number | null;
  training: FinetuneSettings;
  dataset: { id: number; name: string };
  tokenizer: { id: number; name: string | null };
  parent: { id: number; name: string; step: number; checkpoint: string };
  counts: { train: number; validation: number; test: number };
  unknownTokens: { unknown: number; tokens: number };
}

export interface PrepareOptions {
  queued: boolean;
  threads?: number | null;
  kernels?: KernelPreference;
}

/** Records a new fine-tune run and builds its job; refusals record nothing. */
export async function prepareFinetune({ ctx, runs, datasets, tokenizers }: TrainingDeps, input: FinetuneStartRequestT, opts: PrepareOptions, log: (line: string) => void): Promise<PreparedFinetune> {
  const parent = runs.run(input.from);
  if (parent.family !== 'gpt' && parent.family !== 'bert') {
    throw new LabError('invalid_input', `Run ${parent.id} ("${parent.name}") is a ${parent.family} run; fine-tune a pre-trained GPT or BERT run.`, { field: 'from' });
  }
  const family = parent.family;
  const ckpt = ctx.store.runs.latestCheckpoint(parent.id);
  if (ckpt === null) {
    throw new LabError('not_found', `Run ${parent.id} ("${parent.name}") has no checkpoint yet, so there are no weights to fine-tune; let it train past its first checkpoint.`, { field: 'from' });
  }
  if (parent.status === 'running' || parent.status === 'queued') {
    log(`Run ${parent.id} ("${parent.name}") is still training; fine-tuning its newest checkpoint (step ${ckpt.step ?? 0} of ${parent.totalSteps ?? '?'}).`);
  }
  if (parent.tokenizerId === null) throw new LabError('not_found', `The tokenizer of run ${parent.id} ("${parent.name}") was deleted, so its model cannot read new text.`, { field: 'from' });
  const model = validateConfig((parent.config as { model?: Record<string, unknown> }).model ?? {});
  const head = input.head ?? (family === 'bert' ? 'cls' : 'last');
  if (!HEADS_OF[family].includes(head)) {
    throw new LabError('invalid_input', `A ${family.toUpperCase()} classifier takes the head ${HEADS_OF[family].join(' or ')}, not "${head}".`, { field: 'head' });
  }
  const tokenizer = tokenizers.load(parent.tokenizerId);
  const dataset = await labelledDataset(datasets, input.dataset, log);
  const data = readLabelledSplits(ctx.store.datasets, dataset, { labelsPerClass: input.labelsPerClass, seed: input.seed }, log);
  const training: FinetuneSettings = {
    epochs: input.epochs, batchSize: input.batchSize, lr: input.lr ?? (input.freeze ? DEFAULT_LR.probe : DEFAULT_LR.full),
    warmupRatio: input.warmupRatio, weightDecay: 0.01, gradClip: 1, patience: input.patience, classWeights: input.classWeights,
    minSteps: input.minSteps, seed: input.seed,
  };
  const kind = input.scratch ? 'scratch' : 'pretrained';
  const encoded = encodeAll(family, tokenizer, model, data, log);
  const config: FinetuneConfig = {
    task: 'classification', kind, bodyFamily: family, model: input.scratch ? { ...model, seed: input.seed } : model, head, freeze: input.freeze,
    classes: data.classes, labelsPerClass: input.labelsPerClass ?? null, training, dataset: { id: dataset.id, name: dataset.name },
    tokenizer: { id: parent.tokenizerId, name: parent.tokenizerName }, parent: { id: parent.id, name: parent.name, step: ckpt.step ?? 0, checkpoint: ckpt.path },
    counts: { train: data.train.texts.length, validation: data.validation.texts.length, test: data.test.texts.length },
    unknownTokens: encoded.unknown,
  };
  const totalSteps = stepsOf(config);
  const runId = runs.create({
    name: input.name ?? `${dataset.name}-${family}-${kind === 'scratch' ? 'scratch' : 'finetune'}${input.freeze ? '-probe' : ''}${input.labelsPerClass !== undefined ? `-${input.labelsPerClass}` : ''}`,
    family: 'classifier', datasetId: dataset.id, tokenizerId: parent.tokenizerId, seed: input.seed, totalSteps,
    status: opts.queued ? 'queued' : 'running', parentRunId: parent.id, config: config as unknown as Record<string, unknown>,
  });
  const job = jobOf(ctx, runId, config, encoded, joinedTexts(data.test), tokenizer, opts, null);
  return { runId, job, totalSteps, tokensPerStep: meanTokens(encoded.train) * Math.min(training.batchSize, encoded.train.length) };
}

/** Rebuilds a stopped, paused or crashed fine-tune's job from its recorded config, at its newest epoch checkpoint. */
export async function prepareFinetuneResume({ ctx, runs, datasets, tokenizers }: TrainingDeps, runId: number, opts: PrepareOptions, log: (line: string) => void): Promise<PreparedFinetune> {
  const run = runs.run(runId);
  const config = run.config as unknown as FinetuneConfig;
  if (config.task !== 'classification') throw new LabError('invalid_input', `Run ${runId} ("${run.name}") is not a fine-tune.`, { field: 'resume' });
  if (!['stopped', 'crashed', 'paused', 'queued'].includes(run.status)) {
    throw new LabError('conflict', `Run ${runId} ("${run.name}") is ${run.status}; only a stopped, paused or crashed fine-tune can be resumed.`, { field: 'resume' });
  }
  if (run.tokenizerId === null || run.datasetId === null) {
    throw new LabError('not_found', `The dataset or tokenizer of run ${runId} ("${run.name}") was deleted, so its data cannot be rebuilt to resume it.`, { field: 'resume' });
  }
  const tokenizer = tokenizers.load(run.tokenizerId);
  const dataset = await datasets.get({ id: run.datasetId });
  const data = readLabelledSplits(ctx.store.datasets, dataset, { labelsPerClass: config.labelsPerClass ?? undefined, seed: config.training.seed }, () => {});
  if (data.classes.join('\u0000') !== config.classes.join('\u0000')) {
    throw new LabError('conflict', `The classes of dataset "${dataset.name}" changed since run ${runId} started (${config.classes.join(', ')} → ${data.classes.join(', ')}); start a new fine-tune.`, { field: 'resume' });
  }
  const encoded = encodeAll(config.bodyFamily, tokenizer, config.model, data, () => {});
  const ckpt = ctx.store.runs.latestCheckpoint(runId, true);
  log(`${ckpt === null ? 'Starting' : 'Resuming'} fine-tune ${runId} ("${run.name}") from step ${ckpt?.step ?? 0} of ${run.totalSteps ?? '?'}.`);
  runs.discardAfter(runId, ckpt?.step ?? 0);
  runs.setStatus(runId, 'running');
  const job = jobOf(ctx, runId, config, encoded, joinedTexts(data.test), tokenizer, opts, ckpt === null ? null : path.join(ctx.home, ckpt.path));
  return { runId, job, totalSteps: stepsOf(config), tokensPerStep: meanTokens(encoded.train) * Math.min(config.training.batchSize, encoded.train.length) };
}

interface Encoded {
  train: EncodedExample[];
  validation: EncodedExample[];
  test: EncodedExample[];
  unknown: { unknown: number; tokens: number };
}

/** The three splits as the body's family reads them, with the tokenizer's [UNK] count said when it is not small. */
function encodeAll(family: 'gpt' | 'bert', tokenizer: TextTokenizer, model: ModelConfig, data: { train: LabelledSplit; validation: LabelledSplit; test: LabelledSplit },
  log: (line: string) => void): Encoded {
  const enc = (s: LabelledSplit): ReturnType<typeof encodeExamples> => encodeExamples(family, tokenizer, s.texts, isPairSplit(s) ? s.textsB : null, s.labels, model.contextLength, model.typeVocabSize);
  const train = enc(data.train);
  const validation = enc(data.validation);
  const test = enc(data.test);
  const unknown = train.stats.unknown + validation.stats.unknown + test.stats.unknown;
  const tokens = train.stats.tokens + validation.stats.tokens + test.stats.tokens;
  const truncated = train.stats.truncated + validation.stats.truncated + test.stats.truncated;
  if (truncated > 0) log(`${truncated} text${truncated === 1 ? ' is' : 's are'} longer than the model's context of ${model.contextLength} tokens and ${truncated === 1 ? 'was' : 'were'} cut at the end.`);
  if (unknown > 0 && unknown / Math.max(1, tokens) >= 0.001) {
    log(`The parent's tokenizer cannot encode ${unknown.toLocaleString('en-US')} of ${tokens.toLocaleString('en-US')} tokens of this dataset (${((100 * unknown) / tokens).toFixed(1)}% [UNK]); the model sees them as one unknown token. Pre-train on text closer to this dataset (or with a tokenizer trained on it) if that share matters.`);
  }
  return { train: train.examples, validation: validation.examples, test: test.examples, unknown: { unknown, tokens } };
}

function stepsOf(config: FinetuneConfig): number {
  const perEpoch = Math.ceil(config.counts.train / config.training.batchSize);
  return Math.max(config.training.epochs, Math.ceil(config.training.minSteps / Math.max(1, perEpoch))) * perEpoch;
}

function meanTokens(examples: EncodedExample[]): number {
  return examples.length === 0 ? 0 : examples.reduce((n, e) => n + e.tokens.length, 0) / examples.length;
}

function jobOf(ctx: LabContext, runId: number, config: FinetuneConfig, encoded: Encoded, testTexts: string[], tokenizer: TextTokenizer,
  opts: PrepareOptions, resumeFrom: string | null): FinetuneJobSpec {
  return {
    runId, model: config.model, head: config.head, freeze: config.freeze, classes: config.classes,
    parentCheckpoint: config.kind === 'scratch' ? null : path.join(ctx.home, config.parent.checkpoint),
    training: config.training, data: { train: encoded.train, validation: encoded.validation, test: encoded.test }, testTexts,
    padId: padIdOf(tokenizer), tokenizerJson: JSON.stringify(tokenizer.toJSON()), runDir: runFolder(ctx.home, runId), resumeFrom,
    threads: opts.threads ?? null, kernels: opts.kernels ?? 'native',
  };
}

/** [PAD] pads the batches; a tokenizer without it pads with 0 (the key mask hides padding from attention anyway). */
function padIdOf(tokenizer: TextTokenizer): number {
  try {
    return tokenizer.specialId('[PAD]');
  } catch {
    return 0;
  }
}
