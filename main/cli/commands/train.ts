// `attention-lab train`: trains a GPT, BERT, GRU or LSTM in a job worker (runs.start, or runs.resume) and follows it in
// the foreground with a progress line from the lab's events (cli/follow.ts); Ctrl-C stops it resumably (runs.stop, exit 130).
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ChannelInput } from '../../../common/api';
import { LabError } from '../../../common/errors';
import type { TrainOutcome, TrainProgress } from '../../lab/runs/training';
import type { CliCommand, CommandContext } from '../command';
import { givenInput, numberOption, stringOption, UsageError } from '../command';
import { followForeground, stopExitCode, type SessionProgress } from '../follow';
import { fields, int } from '../format';
import { sizeFlagDetails, sizeFlagOptions, sizeFromFlags } from '../size-flags';
import { resolveRun } from './runs';

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export function progressText(p: TrainProgress): string {
  const val = p.valLoss === null ? '' : `  val ${p.valLoss.toFixed(4)}`;
  const eta = p.etaSeconds === null ? '' : `  ETA ${duration(p.etaSeconds)}`;
  return `step ${p.step}/${p.totalSteps}  loss ${p.loss.toFixed(4)}${val}  ${int(p.tokensPerSecond)} tok/s${eta}`;
}

function loss(v: number | null): string {
  return v === null ? '—' : v.toFixed(4);
}

function summary(o: TrainOutcome): string {
  const head = o.status === 'completed'
    ? `Trained run ${o.runId} "${o.name}" in ${duration(o.wallSeconds)}.`
    : o.status === 'stopped'
      ? `Stopped run ${o.runId} "${o.name}" at step ${o.steps}; continue it with \`attention-lab train --resume ${o.runId}\`.`
      : `Run ${o.runId} "${o.name}" ${o.status === 'failed' ? 'failed' : `is ${o.status}`} at step ${o.steps}: ${o.error ?? 'no reason was recorded'}`;
  return [head, fields([
    ['model', `${o.family.toUpperCase()}, ${int(o.parameters)} parameters`],
    ['backend', `${o.backend}, ${o.threads} threads, ${int(o.tokensPerSecond)} tokens/s`],
    ['steps', `${o.steps} of ${o.totalSteps}`],
    ['train loss', `${loss(o.firstTrainLoss)} → ${loss(o.lastTrainLoss)}`],
    ['val loss', `${loss(o.firstValLoss)} → ${loss(o.lastValLoss)} (best ${loss(o.bestValLoss)})`],
    ['val accuracy', o.valAccuracy === null ? '—' : `${(o.valAccuracy * 100).toFixed(1)}%`],
    ['checkpoint', o.checkpoint ?? '—'],
  ])].join('\n');
}

/** The settings a resumed run keeps from its record (their flags are ignored, and said to be). */
const RUN_SETTINGS = ['dataset', 'family', 'tokenizer', 'tokenizerKind', 'preset', 'size', 'steps', 'batchSize', 'lr', 'evalEvery', 'seed'];

/** The outcome as the lab recorded it (runs.get, runs.metrics), with this session's throughput and wall time. */
async function outcomeOf(ctx: CommandContext, runId: number, session: SessionProgress, wallSeconds: number): Promise<TrainOutcome> {
  const run = await ctx.call('runs.get', { id: runId, samples: 0 });
  const { series } = await ctx.call('runs.metrics', { id: runId, keys: ['train/loss', 'val/loss'], maxPoints: 8 });
  // a downsampled series keeps the first point of its first step range, so values[0] is the run's first
  const first = (key: string): number | null => series.find((x) => x.key === key)?.values[0] ?? null;
  const newest = run.artifacts.filter((a) => a.kind === 'checkpoint').sort((a, b) => (b.step ?? 0) - (a.step ?? 0) || b.id - a.id)[0];
  const config = run.config as { parameters?: number; training?: { steps: number } };
  const val = run.metrics['val/loss'];
  return {
    runId, name: run.name, status: run.status as TrainOutcome['status'], error: run.error, family: run.family as TrainOutcome['family'],
    backend: run.backend ?? 'unknown', threads: run.threads ?? 0, parameters: config.parameters ?? 0,
    steps: run.step, totalSteps: run.totalSteps ?? config.training?.steps ?? 0,
    firstTrainLoss: first('train/loss'), lastTrainLoss: run.metrics['train/loss']?.last ?? null,
    firstValLoss: first('val/loss'), bestValLoss: val?.best ?? null, lastValLoss: val?.last ?? null,
    valAccuracy: run.metrics['val/accuracy']?.last ?? null, tokensPerSecond: session.tokensPerSecond, wallSeconds,
    checkpoint: newest === undefined ? null : join((await ctx.call('app.info', {})).home, newest.path),
  };
}

function positiveInt(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const n = numberOption(values, name);
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new UsageError(`The option --${name} expects a whole number of at least 1, got ${n}.`);
  return n;
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train a GPT or BERT on a dataset in the foreground (Ctrl-C stops it with a resumable checkpoint, exit 130)',
  usage: '--dataset NAME --model gpt|bert|gru|lstm [--tokenizer NAME|--tokenizer-kind char|bpe|wordpiece] [--preset tiny|small|base] [--layers N --heads N --d-model N --ff N --context N] [--steps N] [--batch-size B] [--lr X] [--eval-every N] [--checkpoint-every N] [--seed S] [--threads K] [--name N] | --resume RUN',
  details: [
    '--tokenizer         a trained tokenizer (name or id); else --tokenizer-kind reuses or trains DATASET-KIND (default char)',
    '--preset            tiny (default), small or base; the parameter count is printed',
    ...sizeFlagDetails,
    '--steps             optimizer steps (default 1000); --eval-every defaults to a tenth of them',
    '--threads           kernel threads (default: all cores); the backend and thread count are recorded',
    '--resume RUN        continue a stopped or crashed run from its last checkpoint, with its own settings',
    'A dataset without a split gets the default one (train 0.9, validation 0.1, seed 42).',
  ],
  positionals: [],
  options: {
    dataset: { type: 'string' }, model: { type: 'string' }, tokenizer: { type: 'string' }, 'tokenizer-kind': { type: 'string' },
    preset: { type: 'string' }, steps: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    'eval-every': { type: 'string' }, 'checkpoint-every': { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' },
    name: { type: 'string' }, resume: { type: 'string' }, ...sizeFlagOptions,
  },
  async run(ctx, values) {
    const resumeRef = stringOption(values, 'resume');
    const kind = stringOption(values, 'tokenizer-kind');
    if (kind !== undefined && !['char', 'bpe', 'wordpiece'].includes(kind)) throw new UsageError(`--tokenizer-kind must be char, bpe or wordpiece, got ${JSON.stringify(kind)}.`);
    if (kind !== undefined && stringOption(values, 'tokenizer') !== undefined) throw new UsageError('Give either --tokenizer or --tokenizer-kind, not both.');
    if (resumeRef === undefined) {
      if (stringOption(values, 'dataset') === undefined) throw new UsageError('The option --dataset is required: give the dataset to train on (name or id).');
      if (stringOption(values, 'model') === undefined) throw new UsageError('The option --model is required: gpt, bert, gru or lstm.');
    }
    const lr = numberOption(values, 'lr');
    if (lr !== undefined && !(lr > 0)) throw new UsageError(`The option --lr expects a positive learning rate such as 3e-4, got ${lr}.`);
    const seed = numberOption(values, 'seed');
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new UsageError(`The option --seed expects a whole number of 0 or more, got ${seed}.`);
    const family = stringOption(values, 'model');
    if (resumeRef === undefined && !['gpt', 'bert', 'gru', 'lstm'].includes(family as string)) {
      throw new LabError('invalid_input', `The model family is ${JSON.stringify(family)}, but it must be "gpt", "bert", "gru" or "lstm" (--model gpt|bert|gru|lstm).`, { field: 'model' });
    }
    // unset flags stay out, so the lab's defaults apply (and resuming keeps the run's own settings)
    const input = givenInput<Record<string, unknown>>({
      dataset: stringOption(values, 'dataset'), family, tokenizer: stringOption(values, 'tokenizer'), tokenizerKind: kind,
      preset: stringOption(values, 'preset'), size: sizeFromFlags(values), steps: positiveInt(values, 'steps'),
      batchSize: positiveInt(values, 'batch-size'), lr, evalEvery: positiveInt(values, 'eval-every'),
      checkpointEvery: positiveInt(values, 'checkpoint-every'), seed, threads: positiveInt(values, 'threads'), name: stringOption(values, 'name'),
    });
    const resumeId = resumeRef === undefined ? undefined : (await resolveRun(ctx, resumeRef)).id;
    const ignored = RUN_SETTINGS.filter((k) => input[k] !== undefined);
    if (resumeId !== undefined && ignored.length > 0) ctx.note(`Resuming keeps the run's own settings; ignoring ${ignored.join(', ')}.`);
    // A new foreground run is the one job this command starts, so by default it takes every core, as it always did;
    // the scheduler's own default (cores / job concurrency) is for the app's queue, where runs train side by side.
    // A resume without --threads keeps what it always had too: the kernels' default, every core.
    const threads = input.threads as number | undefined;

    const { session, stopSignal, wallSeconds, run } = await followForeground(ctx, {
      start: (taskId) => (resumeId === undefined
        ? ctx.call('runs.start', { ...input, threads: threads ?? availableParallelism(), taskId } as ChannelInput<'runs.start'>)
        : ctx.call('runs.resume', givenInput({ id: resumeId, threads }))),
      progressText,
    });
    const outcome = await outcomeOf(ctx, run.id, session, wallSeconds);
    ctx.result(outcome, () => summary(outcome));
    if (outcome.status !== 'completed' && outcome.status !== 'stopped') throw new LabError('invalid_input', outcome.error ?? `Run ${outcome.runId} is ${outcome.status}.`);
    // metrics and the resumable checkpoint are saved by now; a run that completed before the signal took effect exits 0
    return stopExitCode(outcome.status, stopSignal);
  },
};
