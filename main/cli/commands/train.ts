// `attention-lab train`: trains a GPT or BERT in the foreground with a progress line; Ctrl-C stops it resumably (exit 130).
import { constants as osConstants } from 'node:os';
import type { TokenizerKind } from '../../../common/tokenizers';
import { LabError } from '../../../common/errors';
import { trainRun, type TrainOutcome, type TrainProgress, type TrainSpec } from '../../lab/runs/training';
import type { PresetName } from '../../../common/model-config';
import type { CliCommand } from '../command';
import { numberOption, stringOption, UsageError } from '../command';
import { fields, int } from '../format';
import { sizeFlagDetails, sizeFlagOptions, sizeFromFlags } from '../size-flags';
import { resolveRun } from './runs';

/** Non-TTY progress: the first step at once, then a line at most this often (logs stay short). */
const LINE_INTERVAL_MS = 2000;
/** TTY progress: the line is rewritten in place at most this often. */
const TTY_INTERVAL_MS = 100;

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
      : `Run ${o.runId} "${o.name}" failed at step ${o.steps}: ${o.error ?? 'no reason was recorded'}`;
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
    const spec: TrainSpec = {
      dataset: stringOption(values, 'dataset'), family: stringOption(values, 'model') as TrainSpec['family'],
      tokenizer: stringOption(values, 'tokenizer'), tokenizerKind: kind as TokenizerKind | undefined,
      preset: stringOption(values, 'preset') as PresetName | undefined, size: sizeFromFlags(values), steps: positiveInt(values, 'steps'),
      batchSize: positiveInt(values, 'batch-size'), lr, evalEvery: positiveInt(values, 'eval-every'),
      checkpointEvery: positiveInt(values, 'checkpoint-every'), seed, threads: positiveInt(values, 'threads'), name: stringOption(values, 'name'),
      resume: resumeRef === undefined ? undefined : (await resolveRun(ctx, resumeRef)).id,
    };

    // the signal that asked for the stop: the command then exits 128 + its number (130 for Ctrl-C), as shells expect
    let stopSignal: NodeJS.Signals | null = null;
    void ctx.waitForStop().then((signal) => {
      stopSignal = signal;
      ctx.note('Stopping after this step and saving a resumable checkpoint…');
    });
    const tty = process.stderr.isTTY === true;
    let lastLine = 0;
    let inPlace = false;
    const outcome = await trainRun(ctx.lab().training, spec, {
      log: (line) => {
        if (inPlace) process.stderr.write('\n');
        inPlace = false;
        ctx.note(line);
      },
      shouldStop: () => stopSignal !== null,
      progress: (p) => {
        const now = Date.now();
        const last = p.step === p.totalSteps;
        if (tty) {
          if (now - lastLine < TTY_INTERVAL_MS && !last) return;
          process.stderr.write(`\r${progressText(p)}\x1b[K`);
          inPlace = true;
        } else {
          if (lastLine !== 0 && now - lastLine < LINE_INTERVAL_MS && !last) return;
          ctx.note(progressText(p));
        }
        lastLine = now;
      },
    });
    if (inPlace) process.stderr.write('\n');
    ctx.result(outcome, () => summary(outcome));
    if (outcome.status === 'failed') throw new LabError('invalid_input', outcome.error ?? `Run ${outcome.runId} failed.`);
    // metrics and the resumable checkpoint are saved by now; a run that completed before the signal took effect exits 0
    return outcome.status === 'stopped' && stopSignal !== null ? 128 + osConstants.signals[stopSignal] : undefined;
  },
};
