// `attention-lab seq2seq-compare`: the "with vs without attention" experiment on a generated task — one run per
// variant and seed, trained in worker processes through the scheduler (progress on stderr), measured on held-out pairs
// by source length; prints exact match and BLEU per variant and length bucket with the verdicts, or all of it (--json).
import { constants as osConstants } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { SEQ2SEQ_VARIANTS } from '../../../common/seq2seq-config';
import { Seq2seqTaskName, type Seq2seqCreateRequest, type Seq2seqExperimentT } from '../../../common/api/seq2seq';
import { armStat } from '../../../common/seq2seq/verdicts';
import { english, formatMetric, verdictText } from '../../../common/seq2seq/wording';
import { LabError } from '../../../common/errors';
import type { z } from 'zod';
import type { CliCommand, OptionValues } from '../command';
import { numberOption, stringOption, UsageError } from '../command';
import { followRuns } from '../follow';
import { reportRunStatus } from '../progress';
import { int, table } from '../format';
import { listSeq2seq } from './list-records';

function whole(values: OptionValues, name: string, lo: number, hi: number): number | undefined {
  const n = numberOption(values, name);
  if (n !== undefined && (!Number.isInteger(n) || n < lo || n > hi)) throw new UsageError(`The option --${name} expects a whole number from ${lo} to ${hi}, got ${n}.`);
  return n;
}

function positive(values: OptionValues, name: string): number | undefined {
  const n = numberOption(values, name);
  if (n !== undefined && !(n > 0)) throw new UsageError(`The option --${name} expects a positive number, got ${n}.`);
  return n;
}

function oneOf<T extends string>(values: OptionValues, name: string, allowed: readonly T[]): T | undefined {
  const v = stringOption(values, name);
  if (v !== undefined && !(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}.`);
  return v as T | undefined;
}

/** The flags that read a pair file (not a pair dataset, read when it was imported). */
const FILE_FLAGS = ['source-column', 'target-column', 'max-chars', 'encoding', 'format', 'no-header', 'skip-invalid'];
const SIDE_FLAGS = ['source-tokens', 'target-tokens', 'source-tokenizer', 'target-tokenizer'];

/** The first of `flags` given on the command line. */
const given = (values: OptionValues, flags: string[]): string | undefined => flags.find((f) => values[f] !== undefined && values[f] !== false);

/** How each side of the person's pairs is cut: characters, words, or a lab tokenizer (one of them per side). */
function sideRequest(values: OptionValues): { sourceTokens?: 'chars' | 'words'; targetTokens?: 'chars' | 'words'; sourceTokenizer?: string; targetTokenizer?: string } {
  for (const side of ['source', 'target']) {
    if (values[`${side}-tokens`] !== undefined && values[`${side}-tokenizer`] !== undefined) {
      throw new UsageError(`Give either --${side}-tokens (characters or words) or --${side}-tokenizer (a lab tokenizer) for the ${side} side, not both.`);
    }
  }
  const tokens = ['chars', 'words'] as const;
  return {
    sourceTokens: oneOf(values, 'source-tokens', tokens), targetTokens: oneOf(values, 'target-tokens', tokens),
    sourceTokenizer: stringOption(values, 'source-tokenizer'), targetTokenizer: stringOption(values, 'target-tokenizer'),
  };
}

/** --pairs-dataset and its sides; undefined unless given. */
function pairsDatasetRequest(values: OptionValues): z.input<typeof Seq2seqCreateRequest>['pairsDataset'] {
  const dataset = stringOption(values, 'pairs-dataset');
  if (dataset === undefined) return undefined;
  if (values['pairs-file'] !== undefined) throw new UsageError('Give either --pairs-file (a TSV, CSV or JSONL file) or --pairs-dataset (a sentence-pair dataset of the lab), not both.');
  if (values.task !== undefined) throw new UsageError('Give either --task (a generated task) or --pairs-dataset (your own pairs), not both.');
  const stray = given(values, [...FILE_FLAGS, 'data-seed']);
  if (stray !== undefined) {
    throw new UsageError(`--${stray} reads a pair file; a pair dataset was read when it was imported and is split by its own split (\`attention-lab datasets split\`).`);
  }
  return { dataset, ...sideRequest(values) };
}

/** --pairs-file and its reading options; undefined for a generated task or a pair dataset. */
function pairsFileRequest(values: OptionValues): z.input<typeof Seq2seqCreateRequest>['pairsFile'] {
  const file = stringOption(values, 'pairs-file');
  if (file === undefined) {
    if (values['pairs-dataset'] !== undefined) return undefined;
    const stray = given(values, [...FILE_FLAGS, ...SIDE_FLAGS]);
    if (stray !== undefined) throw new UsageError(`--${stray} reads your own pairs: give them with --pairs-file PATH or --pairs-dataset NAME.`);
    return undefined;
  }
  if (values.task !== undefined) throw new UsageError('Give either --task (a generated task) or --pairs-file (your own pairs), not both.');
  return {
    path: resolvePath(file), format: oneOf(values, 'format', ['tsv', 'csv', 'jsonl'] as const),
    sourceField: stringOption(values, 'source-column'), targetField: stringOption(values, 'target-column'), header: values['no-header'] !== true,
    encoding: oneOf(values, 'encoding', ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'gb18030'] as const),
    ...sideRequest(values),
    maxChars: whole(values, 'max-chars', 1, 100_000), skipInvalid: values['skip-invalid'] === true, seed: whole(values, 'data-seed', 0, 0xffffffff),
  };
}

/** The request from the flags; the service fills the defaults and checks lengths against the task. */
export function seq2seqRequest(values: OptionValues): z.input<typeof Seq2seqCreateRequest> {
  const task = stringOption(values, 'task') ?? 'reverse';
  if (!Seq2seqTaskName.options.includes(task as never)) throw new UsageError(`--task must be one of ${Seq2seqTaskName.options.join(', ')}, got ${JSON.stringify(task)}.`);
  const variants = stringOption(values, 'variants')?.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
  for (const v of variants ?? []) {
    if (!(SEQ2SEQ_VARIANTS as readonly string[]).includes(v)) throw new UsageError(`--variants lists ${JSON.stringify(v)}, but each must be one of ${SEQ2SEQ_VARIANTS.join(', ')}.`);
  }
  const cell = stringOption(values, 'cell');
  if (cell !== undefined && cell !== 'gru' && cell !== 'lstm') throw new UsageError(`--cell must be gru or lstm, got ${JSON.stringify(cell)}.`);
  const maxLength = whole(values, 'max-len', 1, 100);
  const minLength = whole(values, 'min-len', 1, 100);
  const hidden = whole(values, 'hidden', 1, 1024);
  return {
    name: stringOption(values, 'name'),
    task: {
      task: task as z.infer<typeof Seq2seqTaskName>, pairs: whole(values, 'pairs', 20, 200_000),
      minLength: minLength ?? (maxLength !== undefined ? Math.min(3, maxLength) : undefined), maxLength, seed: whole(values, 'data-seed', 0, 0xffffffff),
    },
    pairsDataset: pairsDatasetRequest(values),
    pairsFile: pairsFileRequest(values),
    variants: variants as z.input<typeof Seq2seqCreateRequest>['variants'],
    seeds: whole(values, 'seeds', 1, 5),
    sizes: { cell: cell as 'gru' | 'lstm' | undefined, hidden, embed: hidden, attentionSize: hidden, bidirectional: values.bidirectional === true ? true : undefined },
    budget: { steps: whole(values, 'steps', 1, 1_000_000), batchSize: whole(values, 'batch', 1, 1024), lr: positive(values, 'lr'), transformerLr: positive(values, 'transformer-lr'), teacherForcing: numberOption(values, 'teacher-forcing') },
    beam: whole(values, 'beam', 1, 16), buckets: whole(values, 'buckets', 2, 12),
    lengthPolicy: values.truncate === true ? 'truncate' : undefined,
  };
}

/** "Source side cut by tokenizer "shk-bpe" (bpe): 0 of 1,234 pieces [UNK]." per side cut by a lab tokenizer. */
function sideTokenizerLines(f: Pick<NonNullable<Seq2seqExperimentT['pairsFile']>, 'sourceTokenizer' | 'targetTokenizer'>): string[] {
  return (['source', 'target'] as const).flatMap((side) => {
    const t = f[`${side}Tokenizer`];
    if (t === undefined) return [];
    return [`${side === 'source' ? 'Source' : 'Target'} side cut by tokenizer "${t.name}" (${t.kind}): ${int(t.unknown)} of ${int(t.tokens)} pieces [UNK].`];
  });
}

/** Which dataset and split the pairs came from, the split made for the experiment, documents left out; sides cut. */
export function pairsDatasetLines(d: NonNullable<Seq2seqExperimentT['pairsDataset']>): string[] {
  const r = d.split.ratios;
  const split = `${d.madeSplit ? 'a split made for this experiment (the dataset had none)' : 'its own split'} ` +
    `(made ${d.split.createdAt.slice(0, 16).replace('T', ' ')} UTC; train ${r.train}, validation ${r.validation}, test ${r.test}, seed ${d.split.seed})`;
  const lines = [`Pairs from dataset "${d.name}" (id ${d.id}): ${int(d.pairs.train)} train, ${int(d.pairs.validation)} validation, ${int(d.pairs.test)} test pairs of ${split}.`];
  if (d.noSecondText > 0) lines.push(`${int(d.noSecondText)} document(s) of "${d.name}" have no second text and were left out.`);
  return [...lines, ...sideTokenizerLines(d)];
}

function human(e: Seq2seqExperimentT): string {
  const lines = [`Experiment ${e.id} "${e.name}": ${e.data.train} training, ${e.data.test} held-out pairs; vocabularies ${e.data.sourceVocab} / ${e.data.targetVocab}.`];
  const f = e.pairsFile;
  if (f !== null) lines.push(`Pairs from ${f.name} (${f.format}, ${f.encoding}): ${int(f.pairs)} kept, ${int(f.duplicates)} repeated dropped, ${int(f.skipped)} invalid lines skipped.`);
  if (f !== null) lines.push(...sideTokenizerLines(f));
  if (e.pairsDataset !== null) lines.push(...pairsDatasetLines(e.pairsDataset));
  const first = e.arms.find((a) => a.seeds.some((s) => s.overall !== null))?.seeds.find((s) => s.overall !== null);
  const buckets = first?.buckets ?? [];
  const head = ['variant', 'params', 'tok/s', 'all: EM / BLEU', ...buckets.map((b) => `len ${b.lo}-${b.hi}`)];
  const cell = (a: (typeof e.arms)[number], bucket: number | null): string => {
    const em = armStat(a, 'exactMatch', bucket);
    const bleu = armStat(a, 'bleu', bucket);
    if (em.mean === null || bleu.mean === null) return '—';
    return `${formatMetric(em.mean, 'exactMatch')} / ${formatMetric(bleu.mean, 'bleu')}`;
  };
  lines.push(table(head, e.arms.map((a) => [
    english(`variants.${a.variant}`), int(a.seeds[0]?.parameters ?? 0), a.seeds[0]?.tokensPerSecond == null ? '—' : int(a.seeds[0].tokensPerSecond),
    cell(a, null), ...buckets.map((_, i) => cell(a, i)),
  ])));
  lines.push('', ...e.verdicts.map((v) => `* ${verdictText(v, english)}`));
  return lines.join('\n');
}

export const seq2seqCompareCommand: CliCommand = {
  name: 'seq2seq-compare',
  summary: 'train an RNN encoder-decoder without attention, with each alignment function, and a Transformer on a generated task or your own pairs (a file or a pair dataset); quality by source length',
  usage: '--list | [--task reverse|copy|sort|addition|dates|number-words-en|number-words-zh | --pairs-file PATH | --pairs-dataset NAME] [--min-len N] [--max-len N] [--variants none,dot,general,concat,scaled,location,transformer] [--steps N] [--seeds K]',
  details: [
    '--list              the stored seq2seq experiments with their ids (nothing is trained)',
    '--task T            the generated task (default reverse); --min-len/--max-len in its unit (symbols, digits, characters)',
    '--pairs N           pairs generated (default 4000; 80% train, 10% validation, 10% held out)',
    '--pairs-file PATH   your own pairs instead of a task: a TSV, CSV (header row naming source/target columns) or JSONL',
    '                    ({"source": …, "target": …} per line); shuffled by --data-seed, 80/10/10 split',
    '  --source-column C --target-column C   column names or JSON keys (without a header: column numbers, default 1 and 2)',
    '  --no-header --format tsv|csv|jsonl --encoding E --skip-invalid   how to read it (default: header row, format from the extension)',
    '  --source-tokens chars|words --target-tokens chars|words   how each side is cut into tokens (default words)',
    '  --source-tokenizer T --target-tokenizer T   cut a side with a lab tokenizer instead (name or id, `tokenizers list`);',
    '                    refused when over 5% of that side\'s pieces would be [UNK]',
    '  --max-chars N     the longest side a line may have, in characters (default 1000; longer lines are invalid)',
    '--pairs-dataset NAME   your own pairs from a sentence-pair dataset of the lab (imported with --second-text-column or',
    '                    --second-text-field): text = source, second text = target, the dataset\'s own split (80/10/10, seed 42,',
    '                    made when it has none); --source-tokens/--target-tokens/--source-tokenizer/--target-tokenizer as above',
    '--variants LIST     comma-separated (default none,dot,general,concat,transformer)',
    '--steps N --batch B --lr R --teacher-forcing F   the budget every arm shares (default 600 steps of 32 pairs, 1e-2, 1)',
    '--transformer-lr R  the Transformer arm\'s peak learning rate (default 1e-3; --lr is the RNN arms\')',
    '--cell gru|lstm --hidden H --bidirectional       the RNN arms\' sizes (default GRU, 64 units)',
    '--seeds K           1 to 5 seeds per variant (mean ± std in the verdicts)',
    '--beam W            beam search of width W when measuring (default 1: greedy); --buckets N length buckets (default 5)',
    '--truncate          cut pairs longer than the model allows instead of refusing',
    'Ctrl-C stops the arms; those stopped are measured as they stand.',
  ],
  positionals: [],
  options: {
    task: { type: 'string' }, 'min-len': { type: 'string' }, 'max-len': { type: 'string' }, pairs: { type: 'string' }, 'data-seed': { type: 'string' },
    variants: { type: 'string' }, seeds: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' },
    'teacher-forcing': { type: 'string' }, 'transformer-lr': { type: 'string' }, cell: { type: 'string' }, hidden: { type: 'string' }, bidirectional: { type: 'boolean' },
    beam: { type: 'string' }, buckets: { type: 'string' }, truncate: { type: 'boolean' }, name: { type: 'string' },
    'pairs-file': { type: 'string' }, format: { type: 'string' }, 'source-column': { type: 'string' }, 'target-column': { type: 'string' },
    'no-header': { type: 'boolean' }, encoding: { type: 'string' }, 'source-tokens': { type: 'string' }, 'target-tokens': { type: 'string' },
    'source-tokenizer': { type: 'string' }, 'target-tokenizer': { type: 'string' }, 'pairs-dataset': { type: 'string' },
    'max-chars': { type: 'string' }, 'skip-invalid': { type: 'boolean' }, list: { type: 'boolean' },
  },
  async run(ctx, values) {
    if (values.list === true) return listSeq2seq(ctx);
    const input = seq2seqRequest(values);
    const lab = ctx.lab();
    const started = Date.now();
    const unsubscribe = reportRunStatus(lab, (line) => ctx.note(line));
    // subscribed before the arms exist, so no status change is missed
    const follow = followRuns(ctx, lab);
    try {
      const created = await ctx.call('seq2seq.create', input);
      const runIds = created.arms.flatMap((a) => a.seeds.map((s) => s.runId as number));
      const f = created.pairsFile;
      if (f !== null && f.skipped + f.duplicates > 0) ctx.note(`${f.name}: ${f.skipped} invalid line(s) skipped, ${f.duplicates} repeated pair(s) dropped.`);
      if (f !== null) for (const line of sideTokenizerLines(f)) ctx.note(line);
      if (created.pairsDataset !== null) for (const line of pairsDatasetLines(created.pairsDataset)) ctx.note(line);
      ctx.note(`Experiment ${created.id}: ${created.arms.map((a) => `${a.variant} (${int(a.seeds[0]?.parameters ?? 0)} params)`).join(', ')}; ${created.setup.budget.steps} steps each.`);
      let stopSignal: NodeJS.Signals | null = null;
      void ctx.waitForStop().then((signal) => {
        stopSignal = signal;
        ctx.note('Stopping the arms after their current step…');
        void ctx.call('seq2seq.stop', { id: created.id }).catch(() => undefined);
      });
      await follow.settled(runIds);
      const done = await ctx.call('seq2seq.get', { id: created.id });
      const failed = done.arms.flatMap((a) => a.seeds.filter((s) => s.status === 'failed' || s.status === 'crashed').map((s) => `${a.variant} seed ${s.seed} (run ${s.runId}) ${s.status}`));
      if (failed.length > 0 && stopSignal === null) ctx.note(`Not every arm finished: ${failed.join('; ')}; \`attention-lab runs show RUN\` says why.`);
      ctx.note(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
      ctx.result(done, () => human(done));
      if (stopSignal !== null) return 128 + osConstants.signals[stopSignal as NodeJS.Signals];
      if (done.arms.every((a) => a.seeds.every((s) => s.overall === null))) throw new LabError('conflict', `No arm of experiment ${created.id} was measured: ${failed.join('; ')}.`);
    } finally {
      follow.close();
      unsubscribe();
    }
  },
};
