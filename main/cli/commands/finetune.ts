// `attention-lab finetune`: fine-tunes a pre-trained GPT/BERT run (or its architecture from scratch) on a labelled
// dataset in a job worker, followed in the foreground with a progress line (lab.call finetune.start + cli/follow.ts);
// `finetune-baseline` fits TF-IDF + logistic regression on the same splits; `finetune-list` prints the table of
// fine-tunes. Inputs pass the same zod boundary as the API's.
import { FinetuneStartRequest, type FinetuneReportT } from '../../../common/api/finetune';
import { FINETUNE_PRETRAIN } from '../../../common/api/finetune-experiment';
import { LabError } from '../../../common/errors';
import { describeIssues } from '../../lab/boundary';
import { cellText } from '../../../common/finetune/wording';
import { runFinetuneExperiment } from './finetune-experiment';
import type { CliCommand, OptionValues } from '../command';
import { givenInput, numberOption, stringOption, UsageError } from '../command';
import { fields, percent, table } from '../format';
import { progressText } from './train';
import { resolveRun } from './runs';
import { newTaskId, reportLines } from '../progress';
import { followForeground, stopExitCode } from '../follow';

function reportText(r: FinetuneReportT | null): string {
  if (r === null) return '';
  return [
    fields([
      [`${r.evaluatedOn} accuracy`, percent(r.accuracy)],
      [`${r.evaluatedOn} macro-F1`, r.macroF1.toFixed(3)],
      ['ROC-AUC', r.rocAuc === null ? '—' : r.rocAuc.toFixed(3)],
      ['examples', String(r.count)],
      ['best epoch', r.bestEpoch === 0 ? '—' : `${r.bestEpoch}${r.stoppedEarly ? ' (stopped early)' : ''}`],
    ]),
    '',
    table(['class', 'precision', 'recall', 'F1', 'support'], r.perClass.map((c) => [c.label, c.precision.toFixed(3), c.recall.toFixed(3), c.f1.toFixed(3), String(c.support)])),
    '',
    `confusion (rows: true class; columns: predicted, in the order ${r.classes.join(', ')})`,
    ...r.confusion.map((row, i) => `  ${r.classes[i].padEnd(12)} ${row.map((n) => String(n).padStart(6)).join('')}`),
  ].join('\n');
}

/** A number flag or undefined; the API's schema checks its range. */
function num(values: OptionValues, name: string): number | undefined {
  return numberOption(values, name);
}

function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: unknown[] } } }, raw: Record<string, unknown>): T {
  const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new LabError('invalid_input', describeIssues(parsed.error.issues as Parameters<typeof describeIssues>[0], input));
  return parsed.data;
}

export const finetuneCommand: CliCommand = {
  name: 'finetune',
  summary: 'fine-tune a pre-trained GPT or BERT run on a labelled dataset (a classifier) in the foreground; Ctrl-C stops it resumably',
  usage: '--from RUN|--scratch RUN --dataset NAME [--head cls|mean|last] [--freeze] [--labels N] [--epochs N] [--batch-size B] [--lr X] [--class-weights none|balanced] [--min-steps N] [--patience N] [--seed S] [--threads K] [--name N]',
  details: [
    '--from RUN          the pre-trained run whose newest checkpoint gives the body and whose tokenizer reads the texts',
    '--scratch RUN       the same architecture and tokenizer as RUN with fresh weights: what pre-training bought',
    '--head              BERT: cls (pooled [CLS], default) or mean; GPT: last (the token after the text, default) or mean',
    '--freeze            train only the head on the body\'s features (a linear probe)',
    '--labels N          a label budget: N training examples per class, drawn with --seed',
    'A labelled dataset without a split gets a stratified one (train 0.8, validation 0.1, test 0.1, seed 42).',
  ],
  positionals: [],
  options: {
    from: { type: 'string' }, scratch: { type: 'string' }, dataset: { type: 'string' }, head: { type: 'string' }, freeze: { type: 'boolean' },
    labels: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' },
    'class-weights': { type: 'string' }, 'min-steps': { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
    threads: { type: 'string' }, name: { type: 'string' },
  },
  async run(ctx, values) {
    const fromRef = stringOption(values, 'from');
    const scratchRef = stringOption(values, 'scratch');
    if ((fromRef === undefined) === (scratchRef === undefined)) throw new UsageError('Give the pre-trained run with --from RUN, or --scratch RUN for its architecture with fresh weights (one of the two).');
    if (stringOption(values, 'dataset') === undefined) throw new UsageError('The option --dataset is required: give the labelled dataset (name or id).');
    const parent = await resolveRun(ctx, (fromRef ?? scratchRef) as string);
    const input = checked(FinetuneStartRequest, {
      from: parent.id, scratch: scratchRef !== undefined, dataset: stringOption(values, 'dataset'), head: stringOption(values, 'head'),
      freeze: values.freeze === true ? true : undefined, labelsPerClass: num(values, 'labels'), epochs: num(values, 'epochs'),
      batchSize: num(values, 'batch-size'), lr: num(values, 'lr'), classWeights: stringOption(values, 'class-weights'),
      minSteps: num(values, 'min-steps'), patience: num(values, 'patience'), seed: num(values, 'seed'), threads: num(values, 'threads'),
      name: stringOption(values, 'name'),
    });
    // queued on the lab's scheduler and trained in its job worker; followed through lab.on (runs.log, runs.metrics,
    // runs.changed) until it settles, Ctrl-C as runs.stop
    const followed = await followForeground(ctx, {
      start: (taskId) => ctx.call('finetune.start', { ...input, taskId }),
      progressText,
      stopNote: 'Stopping; the newest epoch checkpoint is the place to resume from…',
    });
    const run = await ctx.call('runs.get', { id: followed.run.id, samples: 0 });
    const outcome = {
      runId: run.id, name: run.name,
      status: run.status === 'completed' ? 'completed' : run.status === 'failed' || run.status === 'crashed' ? 'failed' : 'stopped',
      error: run.error, report: await ctx.call('finetune.report', { runId: run.id }),
    } as const;
    ctx.result(outcome, () => {
      const origin = input.scratch ? `with the architecture of run ${parent.id} ("${parent.name}") and fresh weights` : `from run ${parent.id} ("${parent.name}")`;
      const head = outcome.status === 'completed' ? `Fine-tuned run ${outcome.runId} "${outcome.name}" ${origin}.`
        : outcome.status === 'stopped' ? `Stopped fine-tune ${outcome.runId} "${outcome.name}"; it resumes from its newest epoch checkpoint.`
          : `Fine-tune ${outcome.runId} "${outcome.name}" failed: ${outcome.error ?? 'no reason was recorded'}`;
      return [head, reportText(outcome.report)].filter((l) => l !== '').join('\n');
    });
    if (outcome.status === 'failed') throw new LabError('invalid_input', outcome.error ?? `Fine-tune ${outcome.runId} failed.`);
    return stopExitCode(outcome.status, followed.stopSignal);
  },
};

export const finetuneBaselineCommand: CliCommand = {
  name: 'finetune-baseline',
  summary: 'fit TF-IDF + logistic regression on a labelled dataset\'s splits (the baseline a fine-tune is judged against)',
  usage: '--dataset NAME [--analyzer word|char_wb] [--labels N] [--C X] [--class-weights none|balanced] [--seed S] [--name N]',
  details: ['--analyzer word: words and word pairs (default); char_wb: character 2–4-grams within words (names, short texts)'],
  positionals: [],
  options: {
    dataset: { type: 'string' }, analyzer: { type: 'string' }, labels: { type: 'string' }, C: { type: 'string' },
    'class-weights': { type: 'string' }, seed: { type: 'string' }, name: { type: 'string' },
  },
  async run(ctx, values) {
    if (stringOption(values, 'dataset') === undefined) throw new UsageError('The option --dataset is required: give the labelled dataset (name or id).');
    const taskId = newTaskId();
    const unsubscribe = reportLines(ctx.lab(), taskId, (line) => ctx.note(line));
    try {
      const report = await ctx.call('finetune.baseline', givenInput({
        dataset: stringOption(values, 'dataset'), analyzer: stringOption(values, 'analyzer'), labelsPerClass: num(values, 'labels'),
        C: num(values, 'C'), classWeights: stringOption(values, 'class-weights'), seed: num(values, 'seed'), name: stringOption(values, 'name'), taskId,
      }));
      ctx.result(report, () => [`Baseline run ${report.runId}: TF-IDF + logistic regression.`, reportText(report)].join('\n'));
    } finally {
      unsubscribe();
    }
  },
};

export const finetuneListCommand: CliCommand = {
  name: 'finetune-list',
  summary: 'list the fine-tunes and baselines with their parent run and headline figures',
  usage: '',
  positionals: [],
  options: {},
  async run(ctx) {
    const rows = await ctx.call('finetune.list', {});
    ctx.result(rows, () => rows.length === 0 ? 'No fine-tunes yet; start one with `attention-lab finetune --from RUN --dataset NAME`.' : table(
      ['run', 'name', 'kind', 'parent', 'head', 'labels/class', 'macro-F1', 'accuracy', 'status'],
      rows.map((r) => [String(r.run.id), r.run.name, `${r.kind}${r.freeze ? ' (probe)' : ''}`, r.parent === null ? '—' : `${r.parent.id} ${r.parent.name}`,
        r.head ?? '—', r.labelsPerClass === null ? 'all' : String(r.labelsPerClass), r.macroF1 === null ? '—' : r.macroF1.toFixed(3),
        r.accuracy === null ? '—' : percent(r.accuracy), r.run.status]),
    ));
  },
};

export const finetuneCompareCommand: CliCommand = {
  name: 'finetune-compare',
  summary: 'pre-train BERT and GPT, fine-tune each (and each from scratch, TF-IDF + LR and mean Word2Vec + LR) at every label budget and seed: the label curve and the tutorial\'s BERT-vs-GPT table, measured',
  usage: '--pretrain-dataset NAME --task NAME|spam|names --labels 16,64,256 [--seeds N] [--preset tiny|small] [--pretrain-steps N] [--no-lr-sweep] [--epochs N] [--analyzer word|char_wb] [--no-word2vec] [--sites N] [--prompts N] [--threads K] [--json]'
    + '\n       finetune-compare --gpt RUN --bert RUN --dataset NAME --labels 16,64,256 [--seeds N] [--epochs N] [--analyzer word|char_wb] [--threads K] [--json]',
  details: [
    '--pretrain-dataset  unlabelled text both models pre-train on (one byte-level BPE tokenizer, matched size and tokens seen, per seed)',
    '--task              the labelled dataset; the samples spam and names are imported when the lab does not have them',
    `--preset/--pretrain-steps  model size and pre-training steps per model (default ${FINETUNE_PRETRAIN.preset}, ${FINETUNE_PRETRAIN.steps}: \`compare\`'s recipe, long enough for BERT)`,
    '--no-lr-sweep      pre-train each at its recipe\'s learning rate instead of the best of a short sweep (as `compare`)',
    '--sites/--prompts   blanks per seed for the fill-in rows (default 300), prompts per seed for the generation row (default 8)',
    '--no-word2vec       leave out the mean-of-Word2Vec-vectors + LR baseline (Word2Vec trained on the task\'s train split, labels unused)',
    '--gpt/--bert        instead: fine-tune these pre-trained runs (the same pair for every seed); numbers only, no table',
    'Each model, budget and seed is a recorded run (see `finetune-list`); the budget is drawn with the seed, so every model of a seed sees the same labels.',
  ],
  positionals: [],
  options: {
    gpt: { type: 'string' }, bert: { type: 'string' }, dataset: { type: 'string' }, labels: { type: 'string' }, seeds: { type: 'string' },
    epochs: { type: 'string' }, analyzer: { type: 'string' }, threads: { type: 'string' }, 'pretrain-dataset': { type: 'string' }, task: { type: 'string' },
    preset: { type: 'string' }, 'pretrain-steps': { type: 'string' }, 'lr-sweep': { type: 'boolean' }, 'no-lr-sweep': { type: 'boolean' }, 'no-word2vec': { type: 'boolean' }, sites: { type: 'string' }, prompts: { type: 'string' },
  },
  async run(ctx, values) {
    if (stringOption(values, 'pretrain-dataset') !== undefined || stringOption(values, 'task') !== undefined) {
      if (stringOption(values, 'gpt') !== undefined || stringOption(values, 'bert') !== undefined) throw new UsageError('Give either --pretrain-dataset with --task, or --gpt and --bert with --dataset, not both.');
      if (stringOption(values, 'pretrain-dataset') === undefined) throw new UsageError('The option --pretrain-dataset is required with --task: give the unlabelled text both models pre-train on.');
      return runFinetuneExperiment(ctx, values);
    }
    const gptRef = stringOption(values, 'gpt');
    const bertRef = stringOption(values, 'bert');
    const dataset = stringOption(values, 'dataset');
    const labelsText = stringOption(values, 'labels');
    if (gptRef === undefined || bertRef === undefined) throw new UsageError('Give --pretrain-dataset NAME --task NAME (the whole experiment), or the pre-trained runs with --gpt RUN and --bert RUN.');
    if (dataset === undefined) throw new UsageError('The option --dataset is required: give the labelled dataset (name or id).');
    if (labelsText === undefined) throw new UsageError('The option --labels is required: label budgets per class, e.g. 16,64,256.');
    const labels = labelsText.split(',').map((x) => Number(x.trim()));
    const bad = labels.find((n) => !Number.isInteger(n) || n < 1);
    if (bad !== undefined) throw new UsageError(`--labels takes whole numbers of at least 1 separated by commas, got ${JSON.stringify(labelsText)}.`);
    const analyzer = stringOption(values, 'analyzer') ?? 'word';
    if (analyzer !== 'word' && analyzer !== 'char_wb') throw new UsageError(`--analyzer must be word or char_wb, got ${JSON.stringify(analyzer)}.`);
    const seeds = num(values, 'seeds') ?? 3;
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 5) throw new UsageError(`--seeds takes a whole number from 1 to 5, got ${seeds}.`);
    const gpt = await resolveRun(ctx, gptRef);
    const bert = await resolveRun(ctx, bertRef);
    // the fine-tunes train in the job workers; the call answers when every one has run, its lines come as runs.log
    const taskId = newTaskId();
    const unsubscribe = reportLines(ctx.lab(), taskId, (line) => ctx.note(line));
    const points = await ctx.call('finetune.compare', givenInput({
      parents: Array.from({ length: seeds }, (_, i) => ({ seed: i + 1, gpt: gpt.id, bert: bert.id })), dataset, labels,
      epochs: num(values, 'epochs'), analyzer, threads: num(values, 'threads'), taskId,
    })).then((r) => r.curve).finally(unsubscribe);
    ctx.result({ curve: points }, () => table(['model', 'labels/class', 'macro-F1 (mean ± std)', 'seeds'], points.map((c) => [
      c.model, String(c.labelsPerClass), cellText(c.macroF1, 'f1'), String(c.macroF1.values.length),
    ])));
    return undefined;
  },
};
