// `attention-lab compare`: the whole BERT-vs-GPT experiment — matched runs trained in worker processes through the
// scheduler (progress on stderr), then measured on held-out text; prints the comparison table or, with --json, all of it.
import { constants as osConstants } from 'node:os';
import type { ChannelInput, ExperimentT } from '../../../common/api';
import { COMPARE_RECIPE } from '../../../common/api/experiments';
import { baselineText, cellText, noteText, rnnVerdictText } from '../../../common/comparison/wording';
import { english, englishRows, withEnglish } from '../../../common/comparison/english';
import { LabError } from '../../../common/errors';
import { visibleToken } from '../../../common/token-text';
import type { CliCommand, OptionValues } from '../command';
import { numberOption, stringOption, UsageError } from '../command';
import { followRuns } from '../follow';
import { reportRunStatus } from '../progress';
import { sizeLabel } from '../../../common/model-size';
import { sizeFlagDetails, sizeFlagOptions, sizeFromFlags } from '../size-flags';
import { fields, int, snippet, table } from '../format';
import { listExperiments } from './list-records';

/** Steps per run when no budget is given: with the tiny recipe and the sweeps, the whole comparison takes about two
 *  minutes on a 2-core laptop and both models end well above the unigram baseline (bench/RESULTS.md, issue 14). */
export const DEFAULT_COMPARE_STEPS = COMPARE_RECIPE.steps;

function positiveInt(values: OptionValues, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const n = numberOption(values, name);
  if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > max)) {
    throw new UsageError(`The option --${name} expects a whole number from 1 to ${max.toLocaleString('en-US')}, got ${n}.`);
  }
  return n;
}

function budgetOf(values: OptionValues): ChannelInput<'experiments.create'>['budget'] {
  const steps = positiveInt(values, 'steps');
  const tokens = positiveInt(values, 'tokens');
  const minutes = numberOption(values, 'minutes');
  const given = [steps, tokens, minutes].filter((x) => x !== undefined).length;
  if (given > 1) throw new UsageError('Give one budget: --steps N, --tokens N or --minutes M, not several.');
  if (minutes !== undefined && !(minutes > 0)) throw new UsageError(`The option --minutes expects a positive number of minutes, got ${minutes}.`);
  if (tokens !== undefined) return { tokens };
  if (minutes !== undefined) return { minutes };
  return { steps: steps ?? DEFAULT_COMPARE_STEPS };
}

function human(e: ExperimentT): string {
  const c = e.comparison;
  const head = fields([
    ['experiment', `${e.id} "${e.name}"`],
    ['dataset', `${e.datasetName ?? '—'}, tokenizer ${e.tokenizerName ?? '—'}`],
    ['budget', `${int(e.steps)} steps = ${int(e.tokensPerRun)} tokens per run, preset ${e.preset}${e.size ? ` with a custom size (${sizeLabel(e.size)})` : ''}`],
    ...e.pairs.map((p): [string, string] => [`seed ${p.seed}`, `GPT run ${p.gptRunId} (${int(p.gptParameters)} params), BERT run ${p.bertRunId} (${int(p.bertParameters)} params)`
      + (p.rnnRunId != null && e.rnn ? `, ${e.rnn.toUpperCase()} run ${p.rnnRunId} (${int(p.rnnParameters ?? 0)} params)` : '')]),
  ]);
  if (c === null) return `${head}\n(not measured)`;
  const flag = (r: (typeof c.rows)[number], side: 'gpt' | 'bert'): string => (r.belowBaseline?.includes(side) ? ' (!)' : '');
  const family = c.rnnFamily ?? null;
  const rows = table(['', 'GPT', 'BERT', ...(family ? [family.toUpperCase()] : []), 'unigram', 'verdict', ...(family ? [`${family.toUpperCase()} vs GPT`] : [])], englishRows(c).map((r) => [
    r.label, snippet(cellText(r, 'gpt', english, 'en-US'), 60) + flag(r, 'gpt'), snippet(cellText(r, 'bert', english, 'en-US'), 60) + flag(r, 'bert'),
    ...(family ? [snippet(cellText(r, 'rnn', english, 'en-US'), 60) + (r.belowBaseline?.includes('rnn') ? ' (!)' : '')] : []),
    baselineText(r, 'en-US'), r.text, ...(family ? [rnnVerdictText(r, family, c.seeds.length, english, 'en-US')] : [])]));
  const byPosition = c.lossByPosition === undefined ? [] : [lossByPositionLine(c.lossByPosition, family)];
  const notes = (c.notes ?? []).map((n) => `* ${noteText(n, english)}`);
  const baseline = c.baselineToken === undefined ? [] : [`unigram: ${english('baseline.hint', { token: visibleToken(c.baselineToken) })} (!) marks a model that is not above it.`];
  // quoted, so a continuation of only spaces or newlines is seen as what it is
  const quoted = (s: string): string => JSON.stringify(s.length > 100 ? `${s.slice(0, 99)}…` : s);
  const samples = c.continuations.map((x) => [`prompt (seed ${x.seed}): ${quoted(x.prompt)}`, `  GPT : ${quoted(x.gpt)}`, `  BERT: ${quoted(x.bert)}`,
    ...(x.rnn === undefined || family === null ? [] : [`  ${family.toUpperCase()}: ${quoted(x.rnn)}`])].join('\n'));
  return [head, '', ...notes, `Measured on the ${c.split} split: ${c.positions} blanked tokens and ${c.words} blanked words per seed.`, rows, ...baseline, ...byPosition, '',
    'Continuations (greedy; BERT by mask-predict):', ...samples].join('\n');
}

/** Next-token loss by position, in eight spans of the window: "positions 0-7: GPT 3.10, GRU 3.05; …". */
function lossByPositionLine(l: NonNullable<ExperimentT['comparison']>['lossByPosition'] & object, family: 'gru' | 'lstm' | null): string {
  const n = l.gpt.length;
  const spans = Math.min(8, n);
  const parts: string[] = [];
  const avg = (a: number[], from: number, to: number): string => {
    const v = a.slice(from, to).filter(Number.isFinite);
    return v.length === 0 ? '—' : (v.reduce((x, y) => x + y, 0) / v.length).toFixed(2);
  };
  for (let i = 0; i < spans; i++) {
    const from = Math.floor((i * n) / spans);
    const to = Math.floor(((i + 1) * n) / spans);
    const rnn = l.rnn !== null && family !== null ? `, ${family.toUpperCase()} ${avg(l.rnn, from, to)}` : '';
    parts.push(`${from}-${to - 1}: GPT ${avg(l.gpt, from, to)}${rnn}`);
  }
  return `Next-token loss (nats) by position in the context, over ${l.windows} windows: ${parts.join('; ')}.`;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'train a matched BERT and GPT (and optionally a GRU/LSTM) per seed in worker processes, then measure and compare them on held-out text',
  usage: '--list | --dataset NAME [--preset tiny|small|base] [--layers N --heads N --d-model N --ff N --context N] [--steps N | --tokens N | --minutes M] [--seeds K] '
    + '[--tokenizer NAME | --tokenizer-kind char|bpe|wordpiece] [--positions N] [--no-lr-sweep] [--with-rnn gru|lstm]',
  details: [
    '--list                      the stored experiments with their ids (nothing is trained)',
    `--steps/--tokens/--minutes  the budget each run gets (default ${DEFAULT_COMPARE_STEPS} steps); both models see the same tokens`,
    ...sizeFlagDetails,
    '--no-lr-sweep               train both at their recipe\'s learning rate instead of each at the best of a short sweep',
    '--seeds K                   1 to 5 matched pairs; the table shows mean ± std when there are several',
    '--tokenizer                 one tokenizer shared by both models; else --tokenizer-kind reuses or trains DATASET-KIND',
    '--positions N               blanked tokens per seed for fill in the blank (default 500)',
    '--with-rnn gru|lstm         a third model: a GRU or LSTM language model (its preset\'s shape, GPT\'s recipe) on the same tokens and seeds',
    'Ctrl-C stops the runs with resumable checkpoints (resume them with `attention-lab train --resume RUN`).',
  ],
  positionals: [],
  options: {
    dataset: { type: 'string' }, preset: { type: 'string' }, steps: { type: 'string' }, tokens: { type: 'string' }, minutes: { type: 'string' },
    seeds: { type: 'string' }, tokenizer: { type: 'string' }, 'tokenizer-kind': { type: 'string' }, positions: { type: 'string' },
    'no-lr-sweep': { type: 'boolean' }, list: { type: 'boolean' }, 'with-rnn': { type: 'string' }, ...sizeFlagOptions,
  },
  async run(ctx, values) {
    if (values.list === true) return listExperiments(ctx);
    const dataset = stringOption(values, 'dataset');
    if (dataset === undefined) throw new UsageError('The option --dataset is required: give the dataset to compare on (name or id).');
    const kind = stringOption(values, 'tokenizer-kind');
    if (kind !== undefined && !['char', 'bpe', 'wordpiece'].includes(kind)) throw new UsageError(`--tokenizer-kind must be char, bpe or wordpiece, got ${JSON.stringify(kind)}.`);
    if (kind !== undefined && stringOption(values, 'tokenizer') !== undefined) throw new UsageError('Give either --tokenizer or --tokenizer-kind, not both.');
    const preset = stringOption(values, 'preset') ?? COMPARE_RECIPE.preset;
    if (!['tiny', 'small', 'base'].includes(preset)) throw new UsageError(`--preset must be tiny, small or base, got ${JSON.stringify(preset)}.`);
    const input: ChannelInput<'experiments.create'> = {
      dataset, preset: preset as 'tiny' | 'small' | 'base', size: sizeFromFlags(values), budget: budgetOf(values), seeds: positiveInt(values, 'seeds', 5) ?? 1,
      tokenizer: stringOption(values, 'tokenizer'), tokenizerKind: kind as 'char' | 'bpe' | 'wordpiece' | undefined,
      lrSweep: values['no-lr-sweep'] !== true,
    };
    const rnn = stringOption(values, 'with-rnn');
    if (rnn !== undefined && rnn !== 'gru' && rnn !== 'lstm') throw new UsageError(`--with-rnn must be gru or lstm, got ${JSON.stringify(rnn)}.`);
    if (rnn !== undefined) input.rnn = rnn;
    const positions = positiveInt(values, 'positions', 5000) ?? 500;

    const lab = ctx.lab();
    const started = Date.now();
    const unsubscribe = reportRunStatus(lab, (line) => ctx.note(line));
    // subscribed before the runs exist, so no status change is missed
    const follow = followRuns(ctx, lab);
    try {
      const created = await ctx.call('experiments.create', input);
      const third = (p: (typeof created.pairs)[number]): string => (created.rnn && p.rnnParameters != null ? ` / ${created.rnn.toUpperCase()} ${int(p.rnnParameters)}` : '');
      ctx.note(`Experiment ${created.id}: ${created.pairs.length} pair(s) of runs, ${int(created.steps)} steps each; parameters ${created.pairs.map((p) => `GPT ${int(p.gptParameters)} / BERT ${int(p.bertParameters)}${third(p)}`)[0]}.`);
      const runIds = created.runs.map((r) => r.id);
      // the signal that asked for the stop: the command then exits 128 + its number (130 for Ctrl-C), as train does
      let stopSignal: NodeJS.Signals | null = null;
      void ctx.waitForStop().then((signal) => {
        stopSignal = signal;
        ctx.note('Stopping the runs after their current step, with resumable checkpoints…');
        for (const id of runIds) void ctx.call('runs.stop', { id }).catch(() => undefined); // a finished run has nothing to stop
      });
      await follow.settled(runIds);
      const trained = await ctx.call('experiments.get', { id: created.id });
      const unfinished = trained.runs.filter((r) => r.status !== 'completed');
      const states = unfinished.map((r) => `run ${r.id} is ${r.status}${r.error ? ` (${r.error})` : ''}`).join('; ');
      if (unfinished.length > 0 && stopSignal !== null) {
        ctx.note(`Stopped: ${states}; experiment ${created.id} was not measured. Resume its runs (\`attention-lab train --resume RUN\`), then measure it on the experiment's page in the app (\`attention-lab compare\` measures only the experiments it trains).`);
        ctx.result({ status: 'stopped', experiment: created.id, runs: trained.runs.map((r) => ({ id: r.id, status: r.status, step: r.step })) }, () => `Experiment ${created.id}: stopped.`);
        return 128 + osConstants.signals[stopSignal as NodeJS.Signals];
      }
      if (unfinished.length > 0) {
        throw new LabError('conflict', `Not every run completed: ${states}; experiment ${created.id} was not measured.`);
      }
      ctx.note(`Trained in ${((Date.now() - started) / 1000).toFixed(0)} s; measuring on held-out text…`);
      const measured = await ctx.call('experiments.measure', { id: created.id, positions });
      ctx.note(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
      ctx.result(withEnglish(measured), () => human(measured));
    } finally {
      follow.close();
      unsubscribe();
    }
  },
};
